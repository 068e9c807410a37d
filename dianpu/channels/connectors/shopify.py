"""Shopify: the orders export CSV (Admin → Orders → Export) in, the fulfillment CSV out.

An order with several lines repeats its Name on several rows; the order-level columns (e-mail,
status, address, totals) are filled on its first row. Columns read: Name, Email, Financial Status,
Fulfillment Status, Paid at, Created at, Lineitem quantity, Lineitem name, Lineitem price,
Lineitem sku, Shipping Name, Shipping Address1, Shipping Address2, Shipping City, Shipping Province
(or Shipping Province Name), Shipping Zip, Shipping Country, Shipping Phone, Billing Province,
Shipping, Discount Amount.
"""

import csv
import io

from dianpu.core.tables import neutralise_row

from .base import ChannelLine, ChannelOrder, ImportProblem, is_yes, to_datetime, to_decimal, to_quantity

REQUIRED = ("Name", "Email", "Financial Status", "Lineitem quantity", "Lineitem sku", "Lineitem price")
PAID_STATUSES = {"paid", "partially_refunded"}
EXPORT_HEADER = ["Name", "Tracking Number", "Tracking Company", "Tracking URL", "Notify Customer"]


def read_orders(rows: list[dict], first_row: int = 2) -> tuple[list[ChannelOrder], list[ImportProblem]]:
    """Rows as dicts keyed by the header; `first_row` is the file row number of rows[0]."""
    problems: list[ImportProblem] = []
    if rows:
        missing = [c for c in REQUIRED if c not in rows[0]]
        if missing:
            return [], [ImportProblem(1, c, "column_missing") for c in missing]
    orders: dict[str, ChannelOrder] = {}
    closed: set[str] = set()
    previous = ""
    for i, row in enumerate(rows):
        number = first_row + i
        get = lambda key: str(row.get(key) or "").strip()  # noqa: E731
        name = get("Name")
        if not name:
            problems.append(ImportProblem(number, "Name", "order_number_missing"))
            continue
        if name != previous and name in orders:
            closed.add(name)
        if name in closed:
            # the same order number again after another order: two orders with one number
            problems.append(ImportProblem(number, "Name", "order_number_duplicate", name))
            continue
        previous = name
        order = orders.get(name)
        if order is None:
            status = get("Financial Status").lower()
            order = ChannelOrder(
                number=name,
                email=get("Email"),
                paid=status in PAID_STATUSES or is_yes(status),
                placed_at=to_datetime(get("Paid at") or get("Created at"))
                if status in PAID_STATUSES
                else to_datetime(get("Created at")),
                ship_name=get("Shipping Name"),
                ship_phone=get("Shipping Phone"),
                ship_country=(get("Shipping Country") or "CN").upper()[:2],
                ship_province=get("Shipping Province Name") or get("Shipping Province"),
                ship_city=get("Shipping City"),
                ship_line1=get("Shipping Address1"),
                ship_line2=get("Shipping Address2"),
                ship_postcode=get("Shipping Zip"),
                billing_province=get("Billing Province Name") or get("Billing Province"),
                shipping_total=to_decimal(get("Shipping"), number, "Shipping", problems),
                discount_total=to_decimal(get("Discount Amount"), number, "Discount Amount", problems),
                fulfilled=get("Fulfillment Status").lower() == "fulfilled",
                row=number,
            )
            orders[name] = order
        sku = get("Lineitem sku")
        if not sku:
            problems.append(ImportProblem(number, "Lineitem sku", "sku_missing"))
        order.lines.append(
            ChannelLine(
                sku=sku,
                name=get("Lineitem name"),
                row=number,
                quantity=to_quantity(row.get("Lineitem quantity"), number, "Lineitem quantity", problems),
                unit_price=to_decimal(get("Lineitem price"), number, "Lineitem price", problems),
            )
        )
    return list(orders.values()), problems


def parse_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def write_fulfillments(rows: list[tuple[str, str, str, str]]) -> str:
    """(order name, tracking number, carrier name, tracking URL) -> Shopify's fulfillment CSV."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    for name, number, company, url in rows:
        writer.writerow(neutralise_row([name, number, company, url, "true"]))
    return out.getvalue()
