from django.apps import AppConfig


class FulfillmentConfig(AppConfig):
    name = "dianpu.fulfillment"
    label = "fulfillment"
