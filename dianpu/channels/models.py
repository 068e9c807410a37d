from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelImport(models.Model):
    """One accepted import file: which channel, who, how many orders it created."""

    channel = models.CharField(_("渠道"), max_length=20)
    filename = models.CharField(_("文件"), max_length=200)
    orders_created = models.PositiveIntegerField(_("新订单数"))
    rows = models.PositiveIntegerField(_("行数"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("导入时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("import_channel_orders", "Can import orders from other platforms and export tracking")]
        verbose_name = _("平台订单导入")


class ChannelMapping(models.Model):
    """The column mapping last used for a channel's generic CSV/XLSX, reused when none is given."""

    channel = models.CharField(_("渠道"), max_length=20, unique=True)
    mapping = models.JSONField(_("列映射"), default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("列映射")
