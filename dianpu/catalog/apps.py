from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "dianpu.catalog"
    label = "catalog"
