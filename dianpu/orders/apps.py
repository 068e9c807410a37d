from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "dianpu.orders"
    label = "orders"
