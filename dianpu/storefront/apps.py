from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "dianpu.storefront"
    label = "storefront"
