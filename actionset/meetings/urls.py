from typing import Any

app_name = "meetings"

urlpatterns: list[Any] = []
