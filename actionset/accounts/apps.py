from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "actionset.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from actionset.accounts.sessions import session_record

        # Every session is recorded where deactivation can find it, not only those begun on allauth's sign-in page.
        user_logged_in.connect(session_record, dispatch_uid="actionset.accounts.session_record")

        # The app's access rules join the one table before any view declares them.
        from actionset.accounts import rules  # noqa: F401
