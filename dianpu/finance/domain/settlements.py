"""Gateways' settlement files, read into plain items, and the comparison with our records. Pure.

Formats recognised by their header row:
- Stripe itemized balance change report (balance_change_from_activity.itemized.*): columns
  balance_transaction_id, created_utc, currency, gross, fee, net, reporting_category, source_id,
  charge_id, payment_intent_id, … (amounts in major units).
- Stripe's older balance history export: "id", "Type", "Source", "Amount", "Fee", "Net",
  "Currency", "Created (UTC)", "Description", … (amounts in major units).
- Alipay account statement (支付宝账务明细), CSV in GBK: "#" comment lines above and below, then
  账务流水号, 业务流水号, 商户订单号, 商品名称, 发生时间, 对方账号, 收入金额（+元）, 支出金额（-元）,
  账户余额（元）, 交易渠道, 业务类型, 备注.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

Rows = list[tuple[int, dict[str, str]]]  # (line number, column name -> cell)


class SettlementRefused(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Item:
    """One money movement the gateway reports: a payment in, a refund out, or a fee alone."""

    kind: str  # payment / refund / fee / other
    their_id: str  # the gateway's id of this line (unique within the gateway)
    references: tuple[str, ...]  # ids our records may carry (PaymentIntent, charge, trade no, refund id)
    order_number: str
    amount: Decimal  # positive: what moved, before fees
    fee: Decimal  # positive: what the gateway kept
    occurred_on: date | None


@dataclass(frozen=True)
class ParsedFile:
    gateway: str
    file_format: str
    currency: str
    items: tuple[Item, ...]


STRIPE_ITEMIZED = {"balance_transaction_id", "gross", "fee", "net", "reporting_category", "currency"}
STRIPE_HISTORY = {"id", "type", "source", "amount", "fee", "net", "currency"}
ALIPAY = {"账务流水号", "业务流水号", "商户订单号", "收入金额（+元）", "支出金额（-元）", "业务类型"}
ORDER_NUMBER = re.compile(r"\bDP\d{12}\b")


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SettlementRefused("settlement_format_unknown")


def _money(text: str, line: int) -> Decimal:
    cleaned = (text or "").strip().replace(",", "").replace("\t", "")
    if cleaned in ("", "-"):
        return Decimal("0.00")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise SettlementRefused("settlement_unreadable", line=line, reason=text[:40]) from None
    if not value.is_finite():
        raise SettlementRefused("settlement_unreadable", line=line, reason=text[:40])
    return value.quantize(Decimal("0.01"))


def _day(text: str) -> date | None:
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return datetime.strptime(text[:19], fmt).date()
        except ValueError:
            continue
    return None


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, cells) of the rows that are not comments or blank."""
    out = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip().strip("\t").strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        out.append((number, cells))
    return out


def parse_settlement(data: bytes) -> ParsedFile:
    """Detect the format from the header row and read the items; SettlementRefused otherwise."""
    rows = _rows(decode(data))
    if not rows:
        raise SettlementRefused("settlement_format_unknown")
    header_line, header = rows[0]
    names = [h.lower() if h.isascii() else h for h in header]
    found = set(names)
    body = [(n, dict(zip(names, cells, strict=False))) for n, cells in rows[1:]]
    if found >= STRIPE_ITEMIZED:
        return _stripe_itemized(body)
    if found >= STRIPE_HISTORY:
        return _stripe_history(body)
    if found >= ALIPAY:
        return _alipay(body)
    raise SettlementRefused("settlement_format_unknown")


def _currency(rows: Rows, key: str) -> str:
    currencies = {(r.get(key) or "").strip().upper() for _n, r in rows if (r.get(key) or "").strip()}
    if len(currencies) > 1:
        raise SettlementRefused("settlement_currency", currency="/".join(sorted(currencies)))
    return currencies.pop() if currencies else ""


STRIPE_KINDS = {
    "charge": "payment",
    "payment": "payment",
    "refund": "refund",
    "payment_refund": "refund",
    "fee": "fee",
    "stripe_fee": "fee",
}


def _stripe_item(
    kind_text: str,
    their_id: str,
    refs: tuple[str, ...],
    description: str,
    gross: Decimal,
    fee: Decimal,
    day: date | None,
) -> Item:
    kind = STRIPE_KINDS.get(kind_text.strip().lower(), "other")
    numbers = ORDER_NUMBER.findall(description or "")
    amount = -gross if kind == "refund" else gross
    if kind == "fee":
        amount, fee = Decimal("0.00"), (-gross if gross < 0 else gross) + fee
    return Item(kind, their_id, tuple(r for r in refs if r), numbers[0] if numbers else "", amount, fee, day)


def _stripe_itemized(body: Rows) -> ParsedFile:
    currency = _currency(body, "currency")
    items = []
    for n, r in body:
        items.append(
            _stripe_item(
                r.get("reporting_category", ""),
                r.get("balance_transaction_id", ""),
                (r.get("payment_intent_id", ""), r.get("charge_id", ""), r.get("source_id", "")),
                r.get("description", ""),
                _money(r.get("gross", ""), n),
                _money(r.get("fee", ""), n),
                _day(r.get("created_utc", "") or r.get("created", "")),
            )
        )
    return ParsedFile("stripe", "stripe_itemized_balance_change", currency, tuple(items))


def _stripe_history(body: Rows) -> ParsedFile:
    currency = _currency(body, "currency")
    items = []
    for n, r in body:
        items.append(
            _stripe_item(
                r.get("type", ""),
                r.get("id", ""),
                (r.get("source", ""),),
                r.get("description", ""),
                _money(r.get("amount", ""), n),
                _money(r.get("fee", ""), n),
                _day(r.get("created (utc)", "")),
            )
        )
    return ParsedFile("stripe", "stripe_balance_history", currency, tuple(items))


ALIPAY_PAYMENT = ("在线支付", "交易付款", "收款")
ALIPAY_REFUND = ("交易退款", "退款")
ALIPAY_FEE = ("收费", "服务费", "手续费")


def _alipay(body: Rows) -> ParsedFile:
    items = []
    for n, r in body:
        income, spend = _money(r.get("收入金额（+元）", ""), n), _money(r.get("支出金额（-元）", ""), n)
        spend = abs(spend)
        kind_text = r.get("业务类型", "")
        trade_no, merchant_no = r.get("业务流水号", ""), r.get("商户订单号", "")
        day = _day(r.get("发生时间", ""))
        if any(k in kind_text for k in ALIPAY_FEE):
            items.append(Item("fee", r.get("账务流水号", ""), (trade_no,), merchant_no, Decimal("0.00"), spend, day))
        elif any(k in kind_text for k in ALIPAY_REFUND):
            items.append(Item("refund", r.get("账务流水号", ""), (trade_no,), merchant_no, spend, Decimal("0.00"), day))
        elif any(k in kind_text for k in ALIPAY_PAYMENT) or income > 0:
            items.append(
                Item("payment", r.get("账务流水号", ""), (trade_no,), merchant_no, income, Decimal("0.00"), day)
            )
        else:
            items.append(
                Item("other", r.get("账务流水号", ""), (trade_no,), merchant_no, income or spend, Decimal("0.00"), day)
            )
    return ParsedFile("alipay", "alipay_account_statement", "CNY", tuple(items))


# ---- comparison ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ours:
    kind: str  # payment / refund
    key: int  # our row id
    references: tuple[str, ...]
    order_number: str
    amount: Decimal


@dataclass(frozen=True)
class Outcome:
    outcome: str  # matched / missing_ours / missing_theirs / mismatched
    kind: str
    reference: str
    their_amount: Decimal | None
    our_amount: Decimal | None
    fee: Decimal
    order_number: str
    occurred_on: date | None
    their_id: str = ""  # the gateway's line id ("" for a row of ours they do not have)


def match_settlement(items: tuple[Item, ...], ours: list[Ours]) -> list[Outcome]:
    """Pair their payments and refunds with ours by the gateway's reference (then by order number
    and amount); what is left on either side is missing on the other. Fee-only lines are listed
    as matched (nothing of ours to compare)."""
    by_ref: dict[tuple[str, str], Ours] = {}
    by_order: dict[tuple[str, str], list[Ours]] = {}
    for o in ours:
        for ref in o.references:
            if ref:
                by_ref[(o.kind, ref)] = o
        by_order.setdefault((o.kind, o.order_number), []).append(o)
    used: set[tuple[str, int]] = set()
    out = []
    for item in items:
        if item.kind not in ("payment", "refund"):
            if item.kind == "fee" and item.fee:
                out.append(
                    Outcome(
                        "matched",
                        "fee",
                        item.their_id,
                        None,
                        None,
                        item.fee,
                        item.order_number,
                        item.occurred_on,
                        item.their_id,
                    )
                )
            continue
        matched_ref = next(
            (
                r
                for r in item.references
                if (item.kind, r) in by_ref and (item.kind, by_ref[(item.kind, r)].key) not in used
            ),
            None,
        )
        mine = by_ref[(item.kind, matched_ref)] if matched_ref else None
        if mine is None and item.order_number:
            candidates = [o for o in by_order.get((item.kind, item.order_number), []) if (o.kind, o.key) not in used]
            mine = next((o for o in candidates if o.amount == item.amount), candidates[0] if candidates else None)
        reference = matched_ref or next((r for r in item.references if r), item.their_id)
        if mine is None:
            out.append(
                Outcome(
                    "missing_ours",
                    item.kind,
                    reference,
                    item.amount,
                    None,
                    item.fee,
                    item.order_number,
                    item.occurred_on,
                    item.their_id,
                )
            )
            continue
        used.add((mine.kind, mine.key))
        outcome = "matched" if mine.amount == item.amount else "mismatched"
        out.append(
            Outcome(
                outcome,
                item.kind,
                reference,
                item.amount,
                mine.amount,
                item.fee,
                mine.order_number or item.order_number,
                item.occurred_on,
                item.their_id,
            )
        )
    for o in ours:
        if (o.kind, o.key) not in used:
            out.append(
                Outcome(
                    "missing_theirs",
                    o.kind,
                    next((r for r in o.references if r), ""),
                    None,
                    o.amount,
                    Decimal("0.00"),
                    o.order_number,
                    None,
                )
            )
    return out


def assign_fees_to_orders(items: tuple[Item, ...], outcomes: list[Outcome]) -> dict[str, str]:
    """The gateway line id of each fee -> the number of our order whose payment it was charged on
    ("" when it is on no payment of ours: a refund, a Radar fee, a payment we do not have).

    A fee rides on its payment line (Stripe) or stands on a line of its own naming the payment's
    trade number (Alipay's 收费 line)."""
    paid = {
        o.their_id: o.order_number
        for o in outcomes
        if o.kind == "payment" and o.outcome in ("matched", "mismatched") and o.their_id
    }
    by_reference: dict[str, str] = {}
    for item in items:
        if item.kind == "payment" and paid.get(item.their_id):
            for reference in item.references:
                if reference:
                    by_reference[reference] = paid[item.their_id]
    out = {}
    for item in items:
        if item.fee <= 0:
            continue
        if item.kind == "payment":
            out[item.their_id] = paid.get(item.their_id, "")
        elif item.kind == "fee":
            out[item.their_id] = next((by_reference[r] for r in item.references if r in by_reference), "")
        else:
            out[item.their_id] = ""
    return out
