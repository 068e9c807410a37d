from django.db import models
from django.utils.translation import gettext_lazy as _


class ShopSettings(models.Model):
    """The shop's settings: one row (pk 1). A blank field means "use the environment's default"."""

    class Currency(models.TextChoices):
        CNY = "CNY", _("人民币 (CNY)")
        HKD = "HKD", _("港币 (HKD)")
        USD = "USD", _("美元 (USD)")
        EUR = "EUR", _("欧元 (EUR)")

    name = models.CharField(_("店铺名称"), max_length=60, blank=True)
    logo = models.ImageField(_("店铺标志"), upload_to="shop/", blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    business_hours = models.CharField(_("营业时间"), max_length=120, blank=True)
    sender_name = models.CharField(_("寄件人"), max_length=60, blank=True)
    sender_phone = models.CharField(_("寄件电话"), max_length=30, blank=True)
    sender_address = models.CharField(_("寄件地址"), max_length=200, blank=True)
    currency = models.CharField(_("币种"), max_length=3, choices=Currency.choices, blank=True)
    prices_include_tax = models.BooleanField(_("价格含税"), default=True)
    unpaid_timeout_hours = models.PositiveIntegerField(_("未付款订单自动取消（小时）"), null=True, blank=True)
    # {gateway code: {"on": bool, "fee_percent": "1.50", "fee_fixed": "0.50"}}; a method not listed is on, no fee.
    payment_methods = models.JSONField(_("支付方式设置"), default=dict, blank=True)
    # Storefront languages offered (codes of settings.LANGUAGES); empty: all of them.
    languages = models.JSONField(_("店面语言"), default=list, blank=True)
    default_language = models.CharField(_("默认语言"), max_length=10, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("店铺设置")
        verbose_name_plural = _("店铺设置")
        permissions = [("manage_shop_settings", _("管理店铺设置"))]
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="shop_settings_single_row")]
