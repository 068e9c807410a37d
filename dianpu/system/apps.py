from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "dianpu.system"
    label = "system"
