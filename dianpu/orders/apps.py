from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "dianpu.orders"
    label = "orders"

    def ready(self):
        from dianpu import events

        from .handlers import mark_order_delivered

        events.subscribe(events.ParcelDelivered, mark_order_delivered)
