from typing import Any

app_name = "sets"

urlpatterns: list[Any] = []
