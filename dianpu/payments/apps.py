from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "dianpu.payments"
    label = "payments"
