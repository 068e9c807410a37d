from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "dianpu.customers"
    label = "customers"
