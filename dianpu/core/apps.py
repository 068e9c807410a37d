from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dianpu.core"
    label = "core"

    def ready(self):
        from dianpu import events

        events.register_handlers()
