from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "dianpu.purchasing"
    label = "purchasing"
