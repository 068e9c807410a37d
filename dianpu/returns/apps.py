from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "dianpu.returns"
    label = "returns"
