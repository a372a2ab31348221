app_name = "site"

urlpatterns: list = []
