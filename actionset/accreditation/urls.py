app_name = "accreditation"

urlpatterns: list = []
