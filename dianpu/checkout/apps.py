from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "dianpu.checkout"
    label = "checkout"
