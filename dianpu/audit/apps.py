from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "dianpu.audit"
    label = "audit"
