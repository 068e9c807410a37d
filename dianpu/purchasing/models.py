from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Supplier(models.Model):
    code = models.SlugField(_("编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    lead_time_days = models.PositiveIntegerField(_("交货周期（天）"), default=7)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("供应商")

    def __str__(self):
        return self.name


class SupplierPrice(models.Model):
    """What one supplier charges for one SKU, and the smallest quantity it sells."""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="prices")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="supplier_prices")
    unit_cost = models.DecimalField(_("采购价"), max_digits=12, decimal_places=2)
    min_order_quantity = models.PositiveIntegerField(_("起订量"), default=1)
    supplier_sku = models.CharField(_("供应商货号"), max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["supplier", "variant"], name="one_price_per_supplier_and_sku"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="supplier_price_not_negative"),
        ]


class PurchaseOrder(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SENT = "sent", _("已发送")
        PARTIALLY_RECEIVED = "partially_received", _("部分到货")
        RECEIVED = "received", _("已到货")
        CANCELLED = "cancelled", _("已取消")

    number = models.CharField(_("采购单号"), max_length=20, unique=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="purchase_orders")
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("到齐时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("manage_purchasing", "Can manage suppliers and purchase orders"),
            ("receive_goods", "Can receive purchase orders"),
        ]
        verbose_name = _("采购单")

    def __str__(self):
        return self.number


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity_ordered = models.PositiveIntegerField(_("订购数量"))
    quantity_received = models.PositiveIntegerField(_("已到货"), default=0)
    unit_cost = models.DecimalField(_("采购价"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["purchase_order", "variant"], name="one_po_line_per_sku"),
            models.CheckConstraint(condition=Q(quantity_ordered__gt=0), name="po_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="po_line_cost_not_negative"),
        ]

    @property
    def outstanding(self) -> int:
        return max(0, self.quantity_ordered - self.quantity_received)

    @property
    def line_total(self):
        return self.unit_cost * self.quantity_ordered


OPEN_STATUSES = (PurchaseOrder.Status.SENT, PurchaseOrder.Status.PARTIALLY_RECEIVED)
OUTSTANDING = F("quantity_ordered") - F("quantity_received")
