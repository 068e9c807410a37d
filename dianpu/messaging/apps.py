from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "dianpu.messaging"
    label = "messaging"
