from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitorsConfig(AppConfig):
    name = "dianpu.competitors"
    label = "competitors"
    verbose_name = _("竞品监控")
