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
    # Heaviest parcel the method takes (grams); empty: no limit.
    max_weight_grams = models.PositiveIntegerField(_("最大重量（克）"), null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.CheckConstraint(condition=Q(fee__gte=0), name="shipping_fee_not_negative")]
        verbose_name = _("配送方式")

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name


class ShippingRate(models.Model):
    """One row of a method's rate table: first weight + additional weight step, per province
    (empty province: the default for every province without a row)."""

    method = models.ForeignKey(ShippingMethod, on_delete=models.CASCADE, related_name="rates")
    province = models.CharField(_("省份"), max_length=50, blank=True)
    first_weight_grams = models.PositiveIntegerField(_("首重（克）"), default=1000)
    first_fee = models.DecimalField(_("首重运费"), max_digits=10, decimal_places=2)
    step_grams = models.PositiveIntegerField(_("续重单位（克）"), default=1000)
    step_fee = models.DecimalField(_("续重运费"), max_digits=10, decimal_places=2, default=0)

    class Meta:
        ordering = ["method", "province"]
        constraints = [
            models.UniqueConstraint(fields=["method", "province"], name="one_rate_per_method_and_province"),
            models.CheckConstraint(condition=Q(first_fee__gte=0) & Q(step_fee__gte=0), name="rate_fees_not_negative"),
        ]
        permissions = [("manage_shipping_rates", "Can edit shipping methods and rate tables")]
        verbose_name = _("运费模板")


class Shipment(models.Model):
    class Status(models.TextChoices):
        SHIPPED = "shipped", _("已发货")
        IN_TRANSIT = "in_transit", _("运输中")
        OUT_FOR_DELIVERY = "out_for_delivery", _("派送中")
        DELIVERED = "delivered", _("已签收")
        FAILED = "failed", _("派送失败")
        RETURNED = "returned", _("已退回")

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(_("承运商"), max_length=20)
    tracking_number = models.CharField(_("运单号"), max_length=40, db_index=True)
    shipped_at = models.DateTimeField(_("发货时间"))
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    shipping_method = models.CharField(_("配送方式"), max_length=30, blank=True)
    # The latest day the method promised (shipped_at + its slowest days); later and undelivered = late.
    promised_by = models.DateTimeField(_("承诺送达"), null=True, blank=True)
    cost = models.DecimalField(_("运费成本"), max_digits=10, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("物流状态"), max_length=20, choices=Status.choices, default=Status.SHIPPED)
    last_event_at = models.DateTimeField(_("最新轨迹时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("签收时间"), null=True, blank=True)

    class Meta:
        ordering = ["shipped_at", "id"]
        indexes = [models.Index(fields=["status", "promised_by"])]
        verbose_name = _("包裹")


class TrackingEvent(models.Model):
    """One scan of a parcel as the carrier reported it (webhook or uploaded file)."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("状态"), max_length=20, choices=Shipment.Status.choices)
    occurred_at = models.DateTimeField(_("时间"))
    location = models.CharField(_("地点"), max_length=100, blank=True)
    description = models.CharField(_("描述"), max_length=300, blank=True)
    source = models.CharField(_("来源"), max_length=10)  # webhook | file
    # Same parcel, time, status and text = the same event sent twice: stored once.
    key = models.CharField(max_length=64)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [models.UniqueConstraint(fields=["shipment", "key"], name="one_tracking_event_per_key")]
        verbose_name = _("物流轨迹")
