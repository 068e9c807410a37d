from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "dianpu.shop"
    label = "shop"
    verbose_name = _("店铺设置")
    default_auto_field = "django.db.models.BigAutoField"
