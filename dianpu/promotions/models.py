from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .domain.benefits import KINDS


class Promotion(models.Model):
    """A promotion rule as stored: kind + params (see domain/definitions.py), scope, window."""

    class Kind(models.TextChoices):
        PERCENT_OFF = "percent_off", _("限时折扣")
        AMOUNT_OFF = "amount_off", _("限时直降")
        SPEND_X_SAVE_Y = "spend_x_save_y", _("满减")
        SPEND_X_PERCENT_OFF = "spend_x_percent_off", _("满折")
        BUY_X_GET_Y = "buy_x_get_y", _("买N送M / 第N件折扣")
        BUNDLE = "bundle", _("搭配购")
        FREE_SHIPPING = "free_shipping", _("包邮")
        MEMBER_PRICE = "member_price", _("会员价")
        FLASH_SALE = "flash_sale", _("秒杀")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    scope = models.JSONField(_("适用范围"), default=dict, blank=True)
    conditions = models.JSONField(_("条件"), default=list, blank=True)
    priority = models.IntegerField(_("优先级"), default=0)
    exclusive = models.BooleanField(_("不与其他促销同享"), default=False)
    allow_below_floor = models.BooleanField(_("允许低于底价"), default=False)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    is_active = models.BooleanField(_("启用"), default=True)
    budget = models.DecimalField(_("预算"), max_digits=12, decimal_places=2, null=True, blank=True)
    # 秒杀: the cap on units sold at the flash price, and the units sold so far (conditional update).
    flash_cap = models.PositiveIntegerField(null=True, blank=True)
    flash_sold = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["-starts_at", "-id"]
        permissions = [("manage_promotions", "Can manage promotions and coupons")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="promotion_ends_after_start"),
            models.CheckConstraint(
                condition=Q(flash_cap__isnull=True) | Q(flash_sold__lte=F("flash_cap")), name="flash_sold_within_cap"
            ),
            models.CheckConstraint(condition=Q(kind__in=KINDS), name="promotion_kind_known"),
        ]
        indexes = [models.Index(fields=["is_active", "ends_at"])]
        verbose_name = _("促销")

    def __str__(self):
        return self.name

    @property
    def rule_id(self) -> str:
        return f"P{self.pk}"


class FlashSalePurchase(models.Model):
    """Units one customer bought at a flash price (per-customer limit, by conditional update)."""

    promotion = models.ForeignKey(Promotion, on_delete=models.CASCADE, related_name="flash_purchases")
    email = models.EmailField()
    units = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["promotion", "email"], name="one_flash_row_per_customer")]


class CouponBatch(models.Model):
    """Generated codes sharing one definition (每码限用一次 by default)."""

    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(_("前缀"), max_length=12)
    quantity = models.PositiveIntegerField(_("数量"))
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("券批次")

    def __str__(self):
        return self.name


class Coupon(models.Model):
    class Kind(models.TextChoices):
        AMOUNT = "amount", _("满减券")
        PERCENT = "percent", _("折扣券")
        SHIPPING = "shipping", _("运费券")

    code = models.CharField(_("券码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2, default=0)
    percent = models.DecimalField(_("折扣（%）"), max_digits=5, decimal_places=2, default=0)
    min_spend = models.DecimalField(_("最低消费"), max_digits=12, decimal_places=2, default=0)
    scope = models.JSONField(_("适用范围"), default=dict, blank=True)
    segments = models.JSONField(_("限定客户分群"), default=list, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    usage_limit = models.PositiveIntegerField(_("总次数上限"), null=True, blank=True)
    per_customer_limit = models.PositiveIntegerField(_("每人次数上限"), null=True, blank=True)
    used_count = models.PositiveIntegerField(_("已使用"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    batch = models.ForeignKey(CouponBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="coupons")
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="coupon_ends_after_start"),
            models.CheckConstraint(
                condition=Q(usage_limit__isnull=True) | Q(used_count__lte=F("usage_limit")),
                name="coupon_used_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(percent__gte=0) & Q(percent__lte=100) & Q(min_spend__gte=0),
                name="coupon_amounts_sane",
            ),
        ]
        verbose_name = _("优惠券")

    def __str__(self):
        return self.code


class CouponUse(models.Model):
    """How many times one customer used a coupon (per-customer limit, by conditional update)."""

    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="customer_uses")
    email = models.EmailField()
    uses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["coupon", "email"], name="one_use_row_per_customer")]


class CouponRedemption(models.Model):
    """One coupon used on one order."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="coupon_redemptions")
    email = models.EmailField()
    amount = models.DecimalField(_("优惠金额"), max_digits=12, decimal_places=2)
    redeemed_at = models.DateTimeField(_("使用时间"))

    class Meta:
        ordering = ["-redeemed_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["coupon", "order"], name="one_redemption_per_order")]


class OrderDiscount(models.Model):
    """What one rule gave on one order (promotion cost for budgets and campaign reports)."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="discounts")
    promotion = models.ForeignKey(
        Promotion, null=True, blank=True, on_delete=models.SET_NULL, related_name="order_discounts"
    )
    coupon = models.ForeignKey(Coupon, null=True, blank=True, on_delete=models.SET_NULL, related_name="order_discounts")
    source = models.CharField(max_length=10)
    code = models.CharField(max_length=30)
    label = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    target = models.CharField(max_length=10)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["id"]


class PriceFloor(models.Model):
    """底价: the lowest unit price promotions may bring a SKU to, unless a promotion says it may
    go below (allow_below_floor). SKUs without a row have no floor (zero)."""

    variant = models.OneToOneField("catalog.Variant", on_delete=models.CASCADE, related_name="price_floor")
    price = models.DecimalField(_("底价"), max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="price_floor_not_negative")]
        verbose_name = _("底价")


class PromotionLock(models.Model):
    """One row per lock name; saving an exclusive promotion first bumps the "exclusive" row with a
    single UPDATE, which holds the row (PostgreSQL) or the write lock (SQLite) until commit, so the
    overlap check and the save of two exclusive promotions run one after the other, never both
    against the same "no overlap yet" snapshot."""

    name = models.CharField(max_length=30, primary_key=True)
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("促销锁")
