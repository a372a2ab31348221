from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "actionset.accounts"
    label = "accounts"
