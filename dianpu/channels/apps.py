from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "dianpu.channels"
    label = "channels"
