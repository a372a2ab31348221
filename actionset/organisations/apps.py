from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "actionset.organisations"
    label = "organisations"
