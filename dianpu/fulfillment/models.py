from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ShippingMethod(models.Model):
    code = models.SlugField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    fee = models.DecimalField(_("运费"), max_digits=10, decimal_places=2)
    free_over = models.DecimalField(_("满额包邮"), max_digits=10, decimal_places=2, null=True, blank=True)
    delivery_days_min = models.PositiveSmallIntegerField(_("最快天数"), default=2)
    delivery_days_max = models.PositiveSmallIntegerField(_("最慢天数"), default=5)
    is_active = models.BooleanField(_("启用"), default=True)
    # False for pick-up in store: the parcel is handed over at the counter, with no carrier.
    needs_tracking = models.BooleanField(_("需要承运商与运单号"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(fee__gte=0), name="shipping_fee_not_negative")]
        verbose_name = _("配送方式")

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name


class Shipment(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(_("承运商"), max_length=20)
    tracking_number = models.CharField(_("运单号"), max_length=40, db_index=True)
    shipped_at = models.DateTimeField(_("发货时间"))
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["shipped_at", "id"]
        verbose_name = _("包裹")
