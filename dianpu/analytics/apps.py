from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "dianpu.analytics"
    label = "analytics"
