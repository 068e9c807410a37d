"""Demo books: the demo's orders were written in bulk (no events fired), so their postings are made
here the same way the handlers make them — sales (with the gateways' fees), cost of goods and
carrier charges of shipped orders, refunds, ad spend — and posted in bulk through
finance.services.post_entries_in_bulk. Then a year of monthly expenses (staff, tools, rent), this
month's operating budget, a fee rate per online gateway, and the months before last closed."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from dianpu.finance import postings, services
from dianpu.finance.domain import ledger, periods
from dianpu.finance.models import Period
from dianpu.fulfillment.models import Shipment
from dianpu.marketing.models import AdSpend
from dianpu.orders.models import Order, OrderLine
from dianpu.payments.models import Refund
from dianpu.returns.models import ReturnRequest

FEES = {"alipay": "0.6", "wechatpay": "0.6", "stripe": "3.4"}
MONTHLY = (
    ("staff", "12000.00", "客服与运营工资"),
    ("tools", "299.00", "店铺软件订阅"),
    ("other", "3500.00", "仓库租金"),
)
BUDGET = {"ads": "6000", "staff": "12000", "logistics": "4000", "tools": "400", "other": "3500"}


class Books:
    def __init__(self, rng: random.Random, *, as_of: datetime):
        self.rng, self.as_of = rng, as_of

    def _plans(self):
        day = services.local_day
        fee_percent = {gateway: Decimal(rate) for gateway, rate in FEES.items()}
        orders = Order.objects.filter(paid_at__isnull=False, grand_total__gt=0).order_by("id")
        for chunk_start in range(0, orders.count(), 2000):
            chunk = list(orders[chunk_start : chunk_start + 2000])
            lines: dict[int, list] = {}
            for ln in OrderLine.objects.filter(order__in=chunk).select_related("variant"):
                lines.setdefault(ln.order_id, []).append(ln)
            for order in chunk:
                sold = tuple(
                    ledger.SoldLine(
                        ln.product_id_snapshot,
                        ln.line_total,
                        ln.discount_total,
                        ln.quantity,
                        ln.variant.cost_price if ln.variant else Decimal("0"),
                    )
                    for ln in lines.get(order.pk, [])
                )
                facts = ledger.SaleFacts(
                    order_id=order.pk,
                    number=order.number,
                    paid_on=day(order.paid_at),
                    gateway=order.payment_method,
                    channel=order.channel,
                    campaign=order.utm_campaign,
                    subtotal=order.subtotal,
                    shipping_total=order.shipping_total,
                    discount_total=order.discount_total,
                    grand_total=order.grand_total,
                    lines=sold,
                    fee_percent=fee_percent.get(order.payment_method, Decimal("0")),
                )
                sale, fee = ledger.plan_sale(facts)
                yield sale
                if fee is not None:
                    yield fee
                if order.shipped_at is not None:
                    cogs = ledger.plan_cost_of_goods(
                        order_id=order.pk,
                        number=order.number,
                        shipped_on=day(order.shipped_at),
                        lines=sold,
                        channel=order.channel,
                        campaign=order.utm_campaign,
                    )
                    if cogs is not None:
                        yield cogs
        for shipment in Shipment.objects.filter(cost__isnull=False).select_related("order").iterator():
            plan = ledger.plan_shipping_cost(
                shipment_id=shipment.pk,
                number=shipment.order.number,
                shipped_on=day(shipment.shipped_at),
                cost=shipment.cost,
                channel=shipment.order.channel,
            )
            if plan is not None:
                yield plan
        for refund in Refund.objects.filter(status=Refund.Status.SUCCEEDED).select_related("order").iterator():
            yield ledger.plan_refund(
                refund_id=refund.pk,
                number=refund.order.number,
                refunded_on=day(refund.created_at),
                gateway=refund.gateway,
                amount=refund.amount,
                channel=refund.order.channel,
                campaign=refund.order.utm_campaign,
            )
        for spend in AdSpend.objects.filter(spend__gt=0).iterator():
            yield ledger.plan_ad_spend(
                key=f"{spend.pk}:1",
                day=spend.day,
                channel=spend.channel,
                campaign=spend.campaign,
                delta_fen=ledger.fen(spend.spend),
            )

    def run(self) -> dict[str, int]:
        for gateway, rate in FEES.items():
            services.set_fee_percent(gateway=gateway, percent=rate)
        posted = services.post_entries_in_bulk(self._plans())
        # returns received before the books existed: their restocked goods' cost back, as the handler does
        for request_id in (
            ReturnRequest.objects.filter(received_at__isnull=False, lines__restocked_quantity__gt=0)
            .values_list("pk", flat=True)
            .distinct()
            .order_by("pk")
        ):
            postings.post_return_received(request_id)
        today = timezone.localdate(self.as_of)
        first = Order.objects.order_by("placed_at").values_list("placed_at", flat=True).first()
        start = timezone.localdate(first).replace(day=1) if first else today.replace(day=1)
        month, expenses = periods.month_of(start), 0
        while periods.first_day(month) <= today:
            for category, amount, note in MONTHLY:
                factor = Decimal(str(round(self.rng.uniform(0.95, 1.05), 3)))
                services.record_expense(
                    day=periods.first_day(month),
                    category=category,
                    amount=(Decimal(amount) * factor).quantize(Decimal("0.01")),
                    note=note,
                )
                expenses += 1
            month = periods.next_month(month)
        services.set_budget(month=periods.month_of(today), amounts=BUDGET)
        closed = 0
        before_last = today.replace(day=1) - timedelta(days=1)
        before_last = before_last.replace(day=1) - timedelta(days=1)
        for period in Period.objects.filter(month__lte=periods.month_of(before_last)).order_by("month"):
            services.close_period(month=period.month)
            closed += 1
        return {"journal entries": posted + expenses, "expenses": expenses, "periods closed": closed}
