from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "dianpu.operations"
    verbose_name = "运维"

    def ready(self):
        from . import hooks  # noqa: F401  (huey signal handler and the run-once guard)
