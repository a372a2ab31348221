from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "actionset.meetings"
    label = "meetings"
