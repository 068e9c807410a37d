from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils.translation import gettext_lazy as _

from .domain.states import Status as OrderStatus


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = OrderStatus.PENDING_PAYMENT.value, _("待付款")
        PAID = OrderStatus.PAID.value, _("已付款")
        REVIEWED = OrderStatus.REVIEWED.value, _("已审单")
        PICKING = OrderStatus.PICKING.value, _("拣货中")
        SHIPPED = OrderStatus.SHIPPED.value, _("已发货")
        DELIVERED = OrderStatus.DELIVERED.value, _("已签收")
        COMPLETED = OrderStatus.COMPLETED.value, _("已完成")
        CANCELLED = OrderStatus.CANCELLED.value, _("已取消")

    number = models.CharField(_("订单号"), max_length=20, unique=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT)
    channel = models.CharField(_("渠道"), max_length=20, default="web")
    # The order's number on the platform it came from (Shopify "#1001"); empty for web orders.
    channel_order_number = models.CharField(_("平台订单号"), max_length=64, blank=True)
    customer = models.ForeignKey("customers.Customer", null=True, on_delete=models.PROTECT, related_name="orders")
    email = models.EmailField(_("邮箱"))
    language = models.CharField(max_length=10, default="zh-hans")
    # Shipping address, as the customer gave it.
    ship_name = models.CharField(_("收货人"), max_length=100)
    ship_phone = models.CharField(_("电话"), max_length=30)
    ship_country = models.CharField(_("国家/地区"), max_length=2, default="CN")
    ship_province = models.CharField(_("省份"), max_length=50)
    ship_city = models.CharField(_("城市"), max_length=50)
    ship_district = models.CharField(_("区县"), max_length=50, blank=True)
    ship_line1 = models.CharField(_("详细地址"), max_length=200)
    ship_line2 = models.CharField(_("地址补充"), max_length=200, blank=True)
    ship_postcode = models.CharField(_("邮编"), max_length=12, blank=True)
    # Comparable keys for order review (same address / phone within a day), set when the order is written.
    address_key = models.CharField(max_length=200, blank=True, db_index=True)
    phone_key = models.CharField(max_length=30, blank=True, db_index=True)
    # Billing province when the order came with one (platform imports); web checkout asks for none.
    billing_province = models.CharField(_("账单省份"), max_length=50, blank=True)
    shipping_method = models.CharField(_("配送方式"), max_length=30)
    payment_method = models.CharField(_("支付方式"), max_length=30)
    pays_on_delivery = models.BooleanField(default=False)
    note = models.CharField(_("买家留言"), max_length=500, blank=True)
    subtotal = models.DecimalField(_("商品金额"), max_digits=12, decimal_places=2)
    shipping_total = models.DecimalField(_("运费"), max_digits=12, decimal_places=2)
    discount_total = models.DecimalField(_("优惠"), max_digits=12, decimal_places=2, default=0)
    grand_total = models.DecimalField(_("应付总额"), max_digits=12, decimal_places=2)
    # The rules that priced the order, as the pricing engine gave them (promotions' snapshot).
    pricing_snapshot = models.JSONField(_("计价快照"), default=dict, blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    carrier = models.CharField(_("承运商"), max_length=20, blank=True)
    tracking_number = models.CharField(_("运单号"), max_length=40, blank=True)
    # Order review (审单): a non-empty list of {"code", "detail"} holds the order until released.
    hold_reasons = models.JSONField(_("挂起原因"), default=list, blank=True)
    held_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)
    # Attribution: where the buyer came from (first touch in the session), for marketing and analytics.
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    referrer_host = models.CharField(max_length=200, blank=True)
    visitor_id = models.CharField(max_length=64, blank=True, db_index=True)
    placed_at = models.DateTimeField(_("下单时间"), db_index=True)
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("发货时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-placed_at"]),
            models.Index(fields=["email"]),
            # the order search (queries.search_terms): one index per term it matches
            models.Index(Lower("email"), name="order_email_lower"),
            models.Index(Upper("tracking_number"), name="order_tracking_upper"),
            models.Index(fields=["ship_phone"], name="order_ship_phone"),
            models.Index(fields=["ship_name"], name="order_ship_name"),
            models.Index(fields=["channel_order_number"], name="order_channel_number"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "channel_order_number"],
                condition=~models.Q(channel_order_number=""),
                name="one_order_per_channel_order_number",
            ),
        ]
        permissions = [
            ("record_payment", "Can mark orders paid"),
            ("fulfil_order", "Can pick, ship and deliver orders"),
            ("cancel_order", "Can cancel orders"),
            ("review_order", "Can review orders"),
            ("view_sales_figures", "Can see sales figures"),
        ]
        verbose_name = _("订单")

    def __str__(self):
        return self.number

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None

    @property
    def on_hold(self) -> bool:
        return bool(self.hold_reasons)

    @property
    def address_text(self) -> str:
        parts = [self.ship_province, self.ship_city, self.ship_district, self.ship_line1, self.ship_line2]
        return " ".join(p for p in parts if p)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", null=True, on_delete=models.SET_NULL, related_name="order_lines")
    product_id_snapshot = models.BigIntegerField(null=True)
    sku = models.CharField(_("SKU"), max_length=64)
    product_name = models.CharField(_("商品"), max_length=120)
    variant_label = models.CharField(_("规格"), max_length=120, blank=True)
    unit_price = models.DecimalField(_("单价"), max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField(_("数量"))
    line_total = models.DecimalField(_("小计"), max_digits=12, decimal_places=2)
    # This line's share of every discount on the order: the buyer paid line_total - discount_total.
    discount_total = models.DecimalField(_("优惠分摊"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["id"]

    @property
    def paid_total(self):
        return self.line_total - self.discount_total

    def paid_for(self, quantity: int):
        """What the buyer paid for `quantity` of this line's units: a refund gives back this, not
        the list price. All units together give back exactly paid_total."""
        from decimal import ROUND_HALF_UP, Decimal

        quantity = max(0, min(quantity, self.quantity))
        if quantity == self.quantity:
            return self.paid_total
        return (self.paid_total * quantity / self.quantity).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class OrderHistory(models.Model):
    """One row per status change: who, when, from, to, why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("动作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(_("操作人"), max_length=150)
    reason = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("订单记录")


class ReviewSettings(models.Model):
    """The thresholds of the order-review rules (one row, edited in the console)."""

    high_value_over = models.DecimalField(
        _("高额订单阈值"), max_digits=12, decimal_places=2, null=True, blank=True, default=Decimal("5000.00")
    )
    max_orders_per_address_per_day = models.PositiveIntegerField(_("同一地址每日订单上限"), default=3)
    max_orders_per_phone_per_day = models.PositiveIntegerField(_("同一电话每日订单上限"), default=3)
    max_orders_per_ip_per_day = models.PositiveIntegerField(_("同一 IP 每日订单上限"), default=5)
    check_far_apart = models.BooleanField(_("检查账单与收货省份不一致"), default=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [("manage_review_rules", "Can edit order review rules and the blacklist")]
        verbose_name = _("审单规则")


class BlacklistEntry(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", _("邮箱")
        PHONE = "phone", _("电话")
        ADDRESS = "address", _("地址")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("内容"), max_length=200)
    # Normalised form compared with orders (lower-case e-mail, digits of the phone, address key).
    key = models.CharField(max_length=200)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("加入时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="one_blacklist_entry_per_key")]
        verbose_name = _("黑名单")

    def __str__(self):
        return f"{self.kind}:{self.value}"
