from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "actionset.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The app's access rules join the one table before any view declares them.
        from actionset.accounts import rules  # noqa: F401
