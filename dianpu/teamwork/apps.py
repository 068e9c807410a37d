from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamworkConfig(AppConfig):
    name = "dianpu.teamwork"
    label = "teamwork"
    verbose_name = _("日常工作")
