from typing import Any

app_name = "programmes"

urlpatterns: list[Any] = []
