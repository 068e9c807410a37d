"""Journal entries as plain values, the balance rule, and the plans of the automatic postings.

Amounts are integer fen (分): a debit or a credit per line, never both, never negative. An
entry whose debits and credits differ is refused here, before anything is written.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import chart


class LedgerRefused(Exception):
    """A planned entry breaks a ledger rule; `code` names which."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Line:
    account: str
    debit_fen: int = 0
    credit_fen: int = 0
    channel: str = ""
    product_id: int | None = None
    campaign: str = ""


@dataclass(frozen=True)
class EntryPlan:
    date: date
    source_kind: str
    source_id: str
    memo: str
    lines: tuple[Line, ...] = field(default_factory=tuple)
    # Automatic postings (from events) move into the open period when theirs is closed;
    # entries a person makes are refused instead.
    automatic: bool = True

    @property
    def debit_fen(self) -> int:
        return sum(ln.debit_fen for ln in self.lines)

    @property
    def credit_fen(self) -> int:
        return sum(ln.credit_fen for ln in self.lines)


def fen(amount: Decimal | int | str) -> int:
    """Exact Decimal yuan -> integer fen (half up at the third decimal)."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def yuan(amount_fen: int) -> Decimal:
    return (Decimal(amount_fen) / 100).quantize(Decimal("0.01"))


def debit(account: str, amount_fen: int, **dims: Any) -> Line:
    return Line(account, debit_fen=amount_fen, **dims)


def credit(account: str, amount_fen: int, **dims: Any) -> Line:
    return Line(account, credit_fen=amount_fen, **dims)


def check_entry(plan: EntryPlan) -> EntryPlan:
    """The plan without zero lines, or LedgerRefused: unknown account, a negative or two-sided
    line, no lines at all, or debits that do not equal credits."""
    if not plan.source_kind or not plan.source_id:
        raise LedgerRefused("entry_source_missing")
    lines = []
    for ln in plan.lines:
        if not chart.is_known_account(ln.account):
            raise LedgerRefused("account_unknown", account=ln.account)
        if not isinstance(ln.debit_fen, int) or not isinstance(ln.credit_fen, int):
            raise LedgerRefused("amount_not_fen")
        if ln.debit_fen < 0 or ln.credit_fen < 0 or (ln.debit_fen and ln.credit_fen):
            raise LedgerRefused("line_invalid", account=ln.account)
        if ln.debit_fen or ln.credit_fen:
            lines.append(ln)
    if not lines:
        raise LedgerRefused("entry_empty")
    checked = replace(plan, lines=tuple(lines))
    if checked.debit_fen != checked.credit_fen:
        raise LedgerRefused("entry_unbalanced", debit=yuan(checked.debit_fen), credit=yuan(checked.credit_fen))
    return checked


def reversal_lines(lines: Iterable[Line]) -> tuple[Line, ...]:
    """The lines that undo `lines`: each debit becomes a credit and the other way round."""
    return tuple(
        Line(
            ln.account,
            debit_fen=ln.credit_fen,
            credit_fen=ln.debit_fen,
            channel=ln.channel,
            product_id=ln.product_id,
            campaign=ln.campaign,
        )
        for ln in lines
    )


# ---- the automatic postings, planned from plain facts --------------------------------------


@dataclass(frozen=True)
class SoldLine:
    product_id: int | None
    line_total: Decimal
    discount_total: Decimal
    quantity: int = 0
    unit_cost: Decimal = Decimal("0")


@dataclass(frozen=True)
class SaleFacts:
    order_id: int
    number: str
    paid_on: date
    gateway: str
    channel: str
    campaign: str
    subtotal: Decimal
    shipping_total: Decimal
    discount_total: Decimal
    grand_total: Decimal
    lines: tuple[SoldLine, ...]
    fee_percent: Decimal = Decimal("0")


def calculate_fee_fen(amount: Decimal, fee_percent: Decimal) -> int:
    return fen((Decimal(amount) * Decimal(fee_percent) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def plan_sale(f: SaleFacts) -> tuple[EntryPlan, EntryPlan | None]:
    """The money of a paid order: received in the gateway's clearing account; goods sold per line
    (with the product, channel and campaign), the discounts given and the shipping charged. And,
    when the gateway charges a percentage, its fee.

    Goods 200.00, discount 20.00, shipping 10.00, paid 190.00 by Alipay:
      Dr clearing.alipay 190.00, Dr discounts 20.00 / Cr sales 200.00, Cr shipping_revenue 10.00.
    """
    dims = {"channel": f.channel, "campaign": f.campaign}
    lines = [debit(chart.clearing_account(f.gateway), fen(f.grand_total), **dims)]
    line_discounts = 0
    for ln in f.lines:
        lines.append(credit(chart.SALES, fen(ln.line_total), product_id=ln.product_id, **dims))
        if ln.discount_total:
            lines.append(debit(chart.DISCOUNTS, fen(ln.discount_total), product_id=ln.product_id, **dims))
            line_discounts += fen(ln.discount_total)
    goods = sum(fen(ln.line_total) for ln in f.lines)
    if goods != fen(f.subtotal):  # lines moved away since (a split): the order's figure counts
        lines.append(
            credit(chart.SALES, fen(f.subtotal) - goods, **dims)
            if fen(f.subtotal) > goods
            else debit(chart.SALES, goods - fen(f.subtotal), **dims)
        )
    rest = fen(f.discount_total) - line_discounts  # order-level discount not shared out to lines
    if rest > 0:
        lines.append(debit(chart.DISCOUNTS, rest, **dims))
    elif rest < 0:
        lines.append(credit(chart.DISCOUNTS, -rest, **dims))
    lines.append(credit(chart.SHIPPING_REVENUE, fen(f.shipping_total), **dims))
    sale = EntryPlan(f.paid_on, "order_paid", str(f.order_id), f"订单 {f.number} 付款", tuple(lines))
    fee = calculate_fee_fen(f.grand_total, f.fee_percent)
    fee_plan = None
    if fee > 0:
        fee_plan = EntryPlan(
            f.paid_on,
            "payment_fee",
            str(f.order_id),
            f"订单 {f.number} 支付手续费 ({f.gateway})",
            (debit(chart.PAYMENT_FEES, fee, **dims), credit(chart.clearing_account(f.gateway), fee)),
        )
    return sale, fee_plan


def plan_refund(
    *,
    refund_id: int,
    number: str,
    refunded_on: date,
    gateway: str,
    amount: Decimal,
    channel: str = "",
    campaign: str = "",
) -> EntryPlan:
    """Money given back: Dr refunds / Cr the clearing account of the gateway that paid it back."""
    return EntryPlan(
        refunded_on,
        "refund",
        str(refund_id),
        f"订单 {number} 退款",
        (
            debit(chart.REFUNDS, fen(amount), channel=channel, campaign=campaign),
            credit(chart.clearing_account(gateway), fen(amount)),
        ),
    )


def plan_cost_of_goods(
    *, order_id: int, number: str, shipped_on: date, lines: tuple[SoldLine, ...], channel: str = "", campaign: str = ""
) -> EntryPlan | None:
    """Goods left the warehouse at the moving-average cost of the day: Dr COGS / Cr inventory."""
    out = []
    for ln in lines:
        cost = fen(Decimal(ln.unit_cost) * ln.quantity)
        if cost:
            out.append(debit(chart.COGS, cost, product_id=ln.product_id, channel=channel, campaign=campaign))
    total = sum(ln.debit_fen for ln in out)
    if not total:
        return None
    return EntryPlan(
        shipped_on, "order_shipped", str(order_id), f"订单 {number} 发货成本", (*out, credit(chart.INVENTORY, total))
    )


@dataclass(frozen=True)
class RestockedGoods:
    """Units of one product that came back and were restocked, and what their order's goods of
    that product cost when they left (the cost of goods posted at shipping)."""

    product_id: int | None
    restocked: int
    shipped: int
    shipped_cost_fen: int


def calculate_returned_cost_fen(goods: RestockedGoods) -> int:
    """The cost the restocked units left at: their share of the cost posted when the order's units
    of the product shipped (half up to the fen; all of them back = exactly what was posted)."""
    if goods.shipped <= 0 or goods.restocked <= 0 or goods.shipped_cost_fen <= 0:
        return 0
    units = min(goods.restocked, goods.shipped)
    return int((Decimal(goods.shipped_cost_fen) * units / goods.shipped).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def plan_returned_goods(
    *,
    return_id: int,
    number: str,
    received_on: date,
    goods: tuple[RestockedGoods, ...],
    channel: str = "",
    campaign: str = "",
) -> EntryPlan | None:
    """Returned goods back on the shelf: their cost of goods is undone at the cost they left at.
    Dr inventory / Cr COGS (per product, with the order's channel and campaign). Written-off units
    and refunds without goods back reverse nothing."""
    out = []
    for g in goods:
        cost = calculate_returned_cost_fen(g)
        if cost:
            out.append(credit(chart.COGS, cost, product_id=g.product_id, channel=channel, campaign=campaign))
    total = sum(ln.credit_fen for ln in out)
    if not total:
        return None
    return EntryPlan(
        received_on,
        "return_restocked",
        str(return_id),
        f"售后 {number} 退货入库冲减成本",
        (debit(chart.INVENTORY, total), *out),
    )


def plan_shipping_cost(
    *, shipment_id: int, number: str, shipped_on: date, cost: Decimal, channel: str = ""
) -> EntryPlan | None:
    """What the carrier charges for a parcel: Dr shipping_cost / Cr payables."""
    if not cost or fen(cost) <= 0:
        return None
    return EntryPlan(
        shipped_on,
        "shipment",
        str(shipment_id),
        f"订单 {number} 物流费用",
        (debit(chart.SHIPPING_COST, fen(cost), channel=channel), credit(chart.PAYABLES, fen(cost))),
    )


def plan_stock_received(
    *, key: str, received_on: date, quantity: int, unit_cost: Decimal, reference: str
) -> EntryPlan | None:
    """Goods received against a purchase order: Dr inventory / Cr payables at their cost."""
    amount = fen(Decimal(unit_cost) * quantity)
    if amount <= 0:
        return None
    return EntryPlan(
        received_on,
        "stock_received",
        key,
        f"采购入库 {reference}",
        (debit(chart.INVENTORY, amount), credit(chart.PAYABLES, amount)),
    )


def plan_ad_spend(*, key: str, day: date, channel: str, campaign: str, delta_fen: int) -> EntryPlan:
    """Ad spend owed to the ad platform: Dr ad_spend / Cr payables (a lower re-import: the other way)."""
    dims = {"channel": channel, "campaign": campaign}
    lines = (
        (debit(chart.AD_SPEND, delta_fen, **dims), credit(chart.PAYABLES, delta_fen))
        if delta_fen > 0
        else (credit(chart.AD_SPEND, -delta_fen, **dims), debit(chart.PAYABLES, -delta_fen))
    )
    return EntryPlan(day, "ad_spend", key, f"广告花费 {channel} {campaign}".strip(), lines)
