from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "dianpu.console"
    label = "console"
