"""The automatic postings: what a paid order, a refund, a shipment or received goods write in
the books. Each reads its source rows and posts through `services.post_entry`, keyed by the
source row, so a replayed event posts nothing twice."""

from collections import defaultdict

from django.db.models import Sum

from dianpu.fulfillment.models import Shipment
from dianpu.orders.models import Order, OrderLine
from dianpu.payments.models import Refund
from dianpu.returns.models import ReturnLine, ReturnRequest

from . import services
from .domain import ledger
from .models import JournalLine, SettlementRow
from .sales_channels import order_channel


def _dims(order: Order) -> dict:
    return {"channel": order_channel(order), "campaign": order.utm_campaign or ""}


def post_order_paid(order_id: int) -> None:
    """Sale (and the gateway's fee, if it has a rate) of an order that is paid."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.paid_at is None or order.grand_total <= 0:
        return
    lines = tuple(
        ledger.SoldLine(ln.product_id_snapshot, ln.line_total, ln.discount_total, ln.quantity)
        for ln in OrderLine.objects.filter(order_id=order.pk)
    )
    gateway = order.payment_method
    facts = ledger.SaleFacts(
        order_id=order.pk,
        number=order.number,
        paid_on=services.local_day(order.paid_at),
        gateway=gateway,
        subtotal=order.subtotal,
        shipping_total=order.shipping_total,
        discount_total=order.discount_total,
        grand_total=order.grand_total,
        lines=lines,
        fee_percent=services.get_fee_percent(gateway),
        **_dims(order),
    )
    sale, fee = ledger.plan_sale(facts)
    services.post_entry(sale)
    if fee is not None and not _real_fee_known(order.number, gateway):
        services.post_entry(fee)


def _real_fee_known(number: str, gateway: str) -> bool:
    """A settlement file already brought (and booked) this order's real fee: no estimate then."""
    return SettlementRow.objects.filter(order_number=number, fee__gt=0, settlement__gateway=gateway).exists()


def post_order_shipped(order_id: int) -> None:
    """Cost of the goods that left (moving-average cost now) and the carriers' charges."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.shipped_at is None:
        return
    shipped_on = services.local_day(order.shipped_at)
    lines = tuple(
        ledger.SoldLine(
            ln.product_id_snapshot,
            ln.line_total,
            ln.discount_total,
            ln.quantity,
            ln.variant.cost_price if ln.variant is not None else 0,
        )
        for ln in OrderLine.objects.filter(order_id=order.pk).select_related("variant")
    )
    plan = ledger.plan_cost_of_goods(
        order_id=order.pk, number=order.number, shipped_on=shipped_on, lines=lines, **_dims(order)
    )
    if plan is not None:
        services.post_entry(plan)
    for shipment in Shipment.objects.filter(order_id=order.pk, cost__isnull=False):
        plan = ledger.plan_shipping_cost(
            shipment_id=shipment.pk,
            number=order.number,
            shipped_on=services.local_day(shipment.shipped_at),
            cost=shipment.cost,
            channel=order_channel(order),
        )
        if plan is not None:
            services.post_entry(plan)


def post_refund(refund_id: int) -> None:
    refund = Refund.objects.select_related("order").filter(pk=refund_id, status=Refund.Status.SUCCEEDED).first()
    if refund is None:
        return
    services.post_entry(
        ledger.plan_refund(
            refund_id=refund.pk,
            number=refund.order.number,
            refunded_on=services.local_day(refund.created_at),
            gateway=refund.gateway,
            amount=refund.amount,
            **_dims(refund.order),
        )
    )


def post_return_received(return_id: int) -> None:
    """Restocked units of a return take their cost of goods back into inventory, at the cost the
    order's goods of that product left at (read from the order's cost-of-goods entry)."""
    request = ReturnRequest.objects.select_related("order").filter(pk=return_id, received_at__isnull=False).first()
    if request is None:
        return
    order = request.order
    restocked: dict = defaultdict(int)
    for product_id, quantity in ReturnLine.objects.filter(request=request, restocked_quantity__gt=0).values_list(
        "order_line__product_id_snapshot", "restocked_quantity"
    ):
        restocked[product_id] += quantity
    if not restocked:
        return
    shipped: dict = defaultdict(int)
    for product_id, quantity in OrderLine.objects.filter(order_id=order.pk).values_list(
        "product_id_snapshot", "quantity"
    ):
        shipped[product_id] += quantity
    cost = dict(
        JournalLine.objects.filter(entry__source_kind="order_shipped", entry__source_id=str(order.pk), account="cogs")
        .values("product_id")
        .annotate(d=Sum("debit_fen"))
        .values_list("product_id", "d")
    )
    goods = tuple(
        ledger.RestockedGoods(product_id, units, shipped.get(product_id, 0), cost.get(product_id) or 0)
        for product_id, units in sorted(restocked.items(), key=lambda kv: kv[0] or 0)
    )
    plan = ledger.plan_returned_goods(
        return_id=request.pk,
        number=request.number,
        received_on=services.local_day(request.received_at),
        goods=goods,
        **_dims(order),
    )
    if plan is not None:
        services.post_entry(plan)


def post_stock_received(
    *, variant_id: int, warehouse_id: int, quantity: int, unit_cost, reference: str, received_at
) -> None:
    key = f"{reference}:{variant_id}:{warehouse_id}:{received_at.isoformat()}"[:100]
    plan = ledger.plan_stock_received(
        key=key,
        received_on=services.local_day(received_at),
        quantity=quantity,
        unit_cost=unit_cost,
        reference=reference,
    )
    if plan is not None:
        services.post_entry(plan)


def post_ad_spend(*, ad_spend_id: int, day, channel: str, campaign: str, spend) -> None:
    """Book a day's ad spend; a re-import that changed it books the difference (never edits)."""
    posted = JournalLine.objects.filter(
        entry__source_kind="ad_spend", entry__source_id__startswith=f"{ad_spend_id}:", account="ad_spend"
    ).aggregate(d=Sum("debit_fen"), c=Sum("credit_fen"))
    already = (posted["d"] or 0) - (posted["c"] or 0)
    delta = ledger.fen(spend) - already
    if not delta:
        return
    seq = (
        JournalLine.objects.filter(
            entry__source_kind="ad_spend", entry__source_id__startswith=f"{ad_spend_id}:", account="ad_spend"
        )
        .values("entry_id")
        .distinct()
        .count()
        + 1
    )
    services.post_entry(
        ledger.plan_ad_spend(key=f"{ad_spend_id}:{seq}", day=day, channel=channel, campaign=campaign, delta_fen=delta)
    )
