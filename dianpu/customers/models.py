from django.db import models
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    email = models.EmailField(_("邮箱"), unique=True)
    name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    language = models.CharField(_("语言"), max_length=10, default="zh-hans")
    created_at = models.DateTimeField(_("注册时间"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("客户")

    def __str__(self):
        return self.name or self.email
