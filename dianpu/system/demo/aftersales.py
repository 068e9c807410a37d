"""Demo after-sales (售后): a few percent of delivered orders come back as return, refund-only or
exchange requests, each walked through the returns services at its own time (the clock seam), so
the requests, their history, the returned stock on the ledger and the `Refund` rows against the
payments are exactly what staff working the queue would have left.

Requests still open (requested, approved, on their way back, received) are on recent deliveries;
older ones are finished (refunded, closed, rejected or withdrawn by the buyer). A couple of
parcels still in transit have a request to stop them (拦截): one with the carrier, one stopped.
"""

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model

from dianpu.fulfillment.carriers import CARRIERS
from dianpu.orders.models import Order
from dianpu.returns.models import ReturnRequest
from dianpu.returns.services import (
    approve_return,
    cancel_return,
    close_return,
    receive_return,
    record_intercept_outcome,
    record_return_shipment,
    refund_return,
    reject_return,
    request_intercept,
    request_return,
)

from .operations import at
from .orders import _tracking_number

SHARE_RETURNED = 0.025  # of the orders delivered in the last RETURN_HISTORY_DAYS
RETURN_HISTORY_DAYS = 180
MAX_REQUESTS = 300
# (kind, final step, share): the step the request has reached; open ones are on recent deliveries.
FATES = (
    ("return", "refund", 30),
    ("refund_only", "refund", 14),
    ("exchange", "close", 8),
    ("return", "reject", 8),
    ("return", "cancel", 4),
    ("return", "close", 4),
)
OPEN_FATES = (
    ("return", "request"),
    ("return", "approve"),
    ("return", "ship_back"),
    ("return", "receive"),
    ("refund_only", "request"),
    ("exchange", "ship_back"),
)
STEPS = {
    "return": ("request", "approve", "ship_back", "receive", "refund", "close"),
    "exchange": ("request", "approve", "ship_back", "receive", "close"),
    "refund_only": ("request", "approve", "refund", "close"),
}
REASONS = {
    "return": (
        ("size_fit", "尺码偏小，想退货"),
        ("changed_mind", "七天无理由退货"),
        ("not_as_described", "颜色和图片差别较大"),
        ("quality", "用了两天开线了"),
        ("damaged", "收到时外包装破损，商品有划痕"),
    ),
    "exchange": (("size_fit", "换大一码"), ("wrong_item", "发错颜色了，想换成下单的颜色")),
    "refund_only": (
        ("missing_parts", "少发了一件配件"),
        ("damaged", "商品破损，不用退回了"),
        ("late_delivery", "物流太慢"),
    ),
}
REJECT_NOTES = ("已超出七天无理由范围，商品已使用", "商品吊牌已拆，影响二次销售", "照片无法证明质量问题")
WRITE_OFF = {"damaged", "quality"}
GAPS_HOURS = {
    "approve": (2, 20),
    "ship_back": (12, 48),
    "receive": (48, 96),
    "refund": (2, 24),
    "close": (24, 72),
    "reject": (2, 20),
    "cancel": (4, 30),
}


class AfterSales:
    def __init__(self, rng: random.Random, *, as_of: datetime, staff: dict[str, int]):
        self.rng, self.as_of = rng, as_of
        users = get_user_model().objects.in_bulk(list(staff.values()))
        self.user = {code: users[pk] for code, pk in staff.items()}
        self.window = timedelta(days=settings.RETURN_WINDOW_DAYS)

    def run(self) -> int:
        rng = self.rng
        delivered = list(
            Order.objects.filter(
                status__in=[Order.Status.DELIVERED, Order.Status.COMPLETED],
                delivered_at__isnull=False,
                delivered_at__gte=self.as_of - timedelta(days=RETURN_HISTORY_DAYS),
                paid_at__isnull=False,
                channel="web",
            )
            .order_by("id")
            .values_list("id", "delivered_at")
        )
        wanted = min(MAX_REQUESTS, round(len(delivered) * SHARE_RETURNED))
        if not wanted:
            return 0
        recent_from = self.as_of - self.window + timedelta(days=2)
        recent = [o for o in delivered if o[1] >= recent_from]
        older = [o for o in delivered if o[1] < recent_from]
        n_open = min(len(recent), wanted, max(len(OPEN_FATES), wanted // 8))
        chosen = [(o, OPEN_FATES[i % len(OPEN_FATES)]) for i, o in enumerate(rng.sample(recent, n_open))]
        weights = [f[2] for f in FATES]
        n_done = min(len(older), max(3, wanted - n_open))  # a few finished ones even in a tiny store
        chosen += [
            (o, FATES[0][:2] if i == 0 else rng.choices(FATES, weights)[0][:2])
            for i, o in enumerate(rng.sample(older, n_done))
        ]
        made = 0
        for (order_id, delivered_at), (kind, last) in sorted(chosen):
            made += self._walk(Order.objects.get(pk=order_id), delivered_at, kind, last)
        return made + self._intercepts()

    def _intercepts(self) -> int:
        """拦截: the two most recently shipped web parcels still in transit; the buyer asks within
        hours, the agent asks the carrier, the first one is already stopped."""
        parcels = list(
            Order.objects.filter(
                status=Order.Status.SHIPPED,
                paid_at__isnull=False,
                channel="web",
                shipped_at__lt=self.as_of - timedelta(hours=3),
            ).order_by("-shipped_at", "-id")[:2]
        )
        for i, order in enumerate(parcels):
            with at(order.shipped_at + timedelta(hours=1)):
                request = request_return(
                    order=order,
                    kind="intercept",
                    reason="changed_mind",
                    lines={},
                    reason_detail="不想要了，请帮忙拦截",
                    source=ReturnRequest.Source.CUSTOMER,
                )
            with at(order.shipped_at + timedelta(hours=2)):
                request_intercept(request=request, actor=self.user["agent"], note="已提交快递拦截工单")
            if i == 0:
                with at(order.shipped_at + timedelta(hours=3)):
                    record_intercept_outcome(
                        request=request, stopped=True, actor=self.user["agent"], note="快递已拦截，退回中"
                    )
        return len(parcels)

    def _times(self, delivered_at: datetime, steps: list[str]) -> list[datetime]:
        """When each step happens: the request within the return window, then working-time gaps,
        squeezed before now when the request is recent."""
        rng = self.rng
        latest = min(delivered_at + self.window - timedelta(hours=1), self.as_of - timedelta(hours=1))
        start = delivered_at + (latest - delivered_at) * rng.uniform(0.1, 0.6)
        gaps = [timedelta(hours=rng.uniform(*GAPS_HOURS[s])) for s in steps[1:]]
        room = self.as_of - timedelta(minutes=30) - start
        total = sum(gaps, timedelta(0))
        if total > room:
            gaps = [g * (room / total) for g in gaps]
        times = [start]
        for gap in gaps:
            times.append(times[-1] + gap)
        return times

    def _walk(self, order: Order, delivered_at: datetime, kind: str, last: str) -> int:
        rng, user = self.rng, self.user
        flow = list(STEPS[kind])
        if last in ("reject", "cancel"):
            steps = ["request", last] if last == "reject" else ["request", "approve", "cancel"]
        else:
            steps = flow[: flow.index(last) + 1]
        times = self._times(delivered_at, steps)
        reason, detail = rng.choice(REASONS[kind])
        line = rng.choice(list(order.lines.all()))
        quantity = rng.randint(1, line.quantity)
        request = None
        for step, moment in zip(steps, times, strict=True):
            with at(moment):
                if step == "request":
                    request = request_return(
                        order=order,
                        kind=kind,
                        reason=reason,
                        lines={line.pk: quantity},
                        reason_detail=detail,
                        source=ReturnRequest.Source.CUSTOMER,
                    )
                elif step == "approve":
                    request = approve_return(
                        request=request,
                        actor=user["agent"],
                        note="同意，请按地址寄回" if kind != "refund_only" else "同意退款",
                    )
                elif step == "reject":
                    request = reject_return(request=request, actor=user["agent"], note=rng.choice(REJECT_NOTES))
                elif step == "cancel":
                    request = cancel_return(request=request, note="买家撤销申请")
                elif step == "ship_back":
                    carrier = rng.choice(("sf", "zto", "yto", "yunda"))
                    number = CARRIERS[carrier].normalize(_tracking_number(rng, carrier))
                    request = record_return_shipment(request=request, carrier=carrier, tracking_number=number)
                elif step == "receive":
                    inspections = {}
                    for rl in request.lines.all():
                        off = rl.quantity if reason in WRITE_OFF else 0
                        inspections[rl.pk] = (rl.quantity - off, off, "外观完好，已入库" if not off else "破损，报损")
                    request = receive_return(request=request, inspections=inspections, actor=user["warehouse"])
                elif step == "refund":
                    request = refund_return(
                        request=request,
                        include_shipping=reason in ("wrong_item", "damaged"),
                        manual=True,
                        actor=user["finance"],
                    )
                elif step == "close":
                    request = close_return(
                        request=request, actor=user["agent"], note="换货已寄出" if kind == "exchange" else "售后完成"
                    )
            request.refresh_from_db()
        return 1
