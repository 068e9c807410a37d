from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "dianpu.inventory"
    label = "inventory"
