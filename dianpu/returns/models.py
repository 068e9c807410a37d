from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .domain.states import Kind as ReturnKind
from .domain.states import Status as ReturnStatus


class ReturnRequest(models.Model):
    """One after-sales case (RMA) for an order: what comes back, why, and what was done."""

    class Kind(models.TextChoices):
        RETURN = ReturnKind.RETURN.value, _("退货退款")
        EXCHANGE = ReturnKind.EXCHANGE.value, _("换货")
        REFUND_ONLY = ReturnKind.REFUND_ONLY.value, _("仅退款")
        INTERCEPT = ReturnKind.INTERCEPT.value, _("拦截包裹")

    class Status(models.TextChoices):
        REQUESTED = ReturnStatus.REQUESTED.value, _("待审核")
        APPROVED = ReturnStatus.APPROVED.value, _("已同意")
        REJECTED = ReturnStatus.REJECTED.value, _("已拒绝")
        IN_TRANSIT = ReturnStatus.IN_TRANSIT.value, _("退回途中")
        RECEIVED = ReturnStatus.RECEIVED.value, _("已收货验货")
        REFUNDED = ReturnStatus.REFUNDED.value, _("已退款")
        CLOSED = ReturnStatus.CLOSED.value, _("已关闭")
        CANCELLED = ReturnStatus.CANCELLED.value, _("已撤销")
        INTERCEPTING = ReturnStatus.INTERCEPTING.value, _("拦截中")
        INTERCEPTED = ReturnStatus.INTERCEPTED.value, _("已拦截，退回中")
        STOP_FAILED = ReturnStatus.STOP_FAILED.value, _("拦截失败")

    class Reason(models.TextChoices):
        DAMAGED = "damaged", _("商品破损")
        WRONG_ITEM = "wrong_item", _("发错货")
        NOT_AS_DESCRIBED = "not_as_described", _("与描述不符")
        SIZE_FIT = "size_fit", _("尺码不合适")
        QUALITY = "quality", _("质量问题")
        MISSING_PARTS = "missing_parts", _("少件/漏发")
        CHANGED_MIND = "changed_mind", _("不想要了（七天无理由）")
        LATE_DELIVERY = "late_delivery", _("物流太慢")
        OTHER = "other", _("其他")

    class Source(models.TextChoices):
        CUSTOMER = "customer", _("顾客")
        AGENT = "agent", _("客服")

    number = models.CharField(_("售后单号"), max_length=20, unique=True)
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="return_requests")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    reason = models.CharField(_("原因"), max_length=20, choices=Reason.choices)
    reason_detail = models.CharField(_("问题描述"), max_length=500, blank=True)
    source = models.CharField(_("发起方"), max_length=10, choices=Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carrier = models.CharField(_("退回承运商"), max_length=20, blank=True)
    tracking_number = models.CharField(_("退回运单号"), max_length=40, blank=True)
    refund = models.ForeignKey("payments.Refund", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    replacement_order = models.OneToOneField(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_request",
        verbose_name=_("换货订单"),
    )
    created_at = models.DateTimeField(_("申请时间"), db_index=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    shipped_back_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    received_at = models.DateTimeField(_("收货时间"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("退款时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "-created_at"])]
        permissions = [
            ("manage_returns", "Can approve, reject and close after-sales requests"),
            ("receive_returns", "Can receive and inspect returned goods"),
        ]
        verbose_name = _("售后单")

    def __str__(self):
        return self.number


class ReturnLine(models.Model):
    """A line of the order coming back: how many, and after inspection how many were restocked
    and how many written off."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("数量"))
    restocked_quantity = models.PositiveIntegerField(_("入库数量"), default=0)
    written_off_quantity = models.PositiveIntegerField(_("报损数量"), default=0)
    inspection_note = models.CharField(_("验货备注"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(restocked_quantity__lte=F("quantity") - F("written_off_quantity")),
                name="return_line_inspected_within_quantity",
            ),
        ]


class ReturnHistory(models.Model):
    """One row per step of a return: who, when, from, to, note."""

    request = models.ForeignKey(ReturnRequest, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("动作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12)
    actor_label = models.CharField(_("操作人"), max_length=150)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["created_at", "id"]
