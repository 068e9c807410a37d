from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dianpu.core.money import to_fen


class Payment(models.Model):
    """Money received (or refunded) for an order through one gateway."""

    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("已收款")
        REFUNDED = "refunded", _("已退款")

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(_("支付方式"), max_length=30)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUCCEEDED)
    reference = models.CharField(_("流水号"), max_length=100, blank=True)
    # What has gone back (or is on its way back) of this payment; only payments.services moves it,
    # by a conditional UPDATE, so concurrent refunds never add up to more than was paid.
    refunded_total = models.DecimalField(_("已退金额"), max_digits=12, decimal_places=2, default=0)
    # The same two amounts in whole fen: the guards compare these. SQLite compares decimal columns
    # as floats inside an UPDATE ... WHERE (75.00 - 74.98 < 0.02 there), integers are exact on
    # every database. payments.services writes both; the decimals mirror the fen exactly.
    amount_fen = models.BigIntegerField(default=0)
    refunded_fen = models.BigIntegerField(default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payment_amount_fen_positive"),
            models.CheckConstraint(
                condition=Q(refunded_fen__gte=0) & Q(refunded_fen__lte=models.F("amount_fen")),
                name="payment_refunded_fen_within_amount",
            ),
        ]
        verbose_name = _("收款")

    def save(self, *args, **kwargs):
        if self._state.adding and not self.amount_fen:  # a new payment: its fen follow its amount
            self.amount_fen = to_fen(self.amount)
            self.refunded_fen = to_fen(self.refunded_total or 0)
        super().save(*args, **kwargs)

    @property
    def refundable(self):
        return self.amount - self.refunded_total


class Refund(models.Model):
    """Money given back for an order: through the gateway that took it, or recorded as manual.

    The total of an order's succeeded refunds never exceeds what was paid for it. `created_at`
    is when the money went back (the day analytics counts it in).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("处理中")
        SUCCEEDED = "succeeded", _("已退款")
        FAILED = "failed", _("失败")

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="refunds")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="refunds")
    gateway = models.CharField(_("退款方式"), max_length=30)
    amount = models.DecimalField(_("退款金额"), max_digits=12, decimal_places=2)
    shipping_amount = models.DecimalField(_("其中运费"), max_digits=12, decimal_places=2, default=0)
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SUCCEEDED)
    reference = models.CharField(_("退款流水号"), max_length=100, blank=True)
    manual = models.BooleanField(_("线下退款"), default=False)
    # The client's Idempotency-Key: the same request sent twice makes one refund.
    idempotency_key = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(condition=Q(shipping_amount__gte=0), name="refund_shipping_not_negative"),
            models.UniqueConstraint(
                fields=["order", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="refund_idempotency_key_once",
            ),
        ]
        permissions = [("refund_order", "Can refund orders")]
        verbose_name = _("退款")


class PaymentSession(models.Model):
    """One attempt to pay an order at an online gateway (a Stripe PaymentIntent): how a
    notification that names the gateway's id finds its order. Holds no card data."""

    class Status(models.TextChoices):
        # Asked of the gateway, no answer yet: the reference is still our idempotency key.
        STARTING = "starting", _("发起中")
        PENDING = "pending", _("待支付")
        SUCCEEDED = "succeeded", _("已支付")
        FAILED = "failed", _("支付失败")

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payment_sessions")
    order_number = models.CharField(_("订单号"), max_length=20, db_index=True)
    gateway = models.CharField(_("支付方式"), max_length=30)
    reference = models.CharField(_("支付单号"), max_length=100)
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="CNY")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "reference"], name="payment_session_reference_unique")
        ]
        verbose_name = _("支付会话")


class GatewayEvent(models.Model):
    """A notification from a gateway that was processed: its id is stored once, so the same
    notification delivered ten times is acted on once."""

    gateway = models.CharField(max_length=30)
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=60)
    reference = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=40, blank=True)
    # Kept only for a notification that arrived before the one it depends on ("deferred"), to be
    # replayed when that one arrives.
    payload = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["gateway", "event_id"], name="gateway_event_once")]
