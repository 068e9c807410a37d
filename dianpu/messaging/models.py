from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationTemplate(models.Model):
    """A staff-edited subject and body for one kind of notification in one language; without a
    row the default in messaging/domain/defaults.py is used."""

    kind = models.CharField(_("通知类型"), max_length=30)
    language = models.CharField(_("语言"), max_length=10)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["kind", "language"]
        constraints = [models.UniqueConstraint(fields=["kind", "language"], name="notification_template_once")]
        verbose_name = _("通知模板")
