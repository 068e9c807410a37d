from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "dianpu.cart"
    label = "cart"
