"""Any platform's CSV or XLSX, read through a column mapping: our field -> the file's header.

One row per order line; rows with the same order number belong to one order (order-level fields
are taken from its first row). Required fields: order_number, sku, quantity, unit_price, ship_name,
ship_phone, ship_province, ship_city, ship_line1. Optional: email, paid, placed_at, ship_country,
ship_postcode, billing_province, shipping_total, product_name.
"""

from .base import ChannelLine, ChannelOrder, ImportProblem, is_yes, to_datetime, to_decimal, to_quantity

FIELDS = (
    "order_number",
    "email",
    "paid",
    "placed_at",
    "sku",
    "product_name",
    "quantity",
    "unit_price",
    "ship_name",
    "ship_phone",
    "ship_country",
    "ship_province",
    "ship_city",
    "ship_line1",
    "ship_postcode",
    "billing_province",
    "shipping_total",
)
REQUIRED = (
    "order_number",
    "sku",
    "quantity",
    "unit_price",
    "ship_name",
    "ship_phone",
    "ship_province",
    "ship_city",
    "ship_line1",
)


def read_orders(
    rows: list[dict], mapping: dict[str, str], *, channel: str, first_row: int = 2
) -> tuple[list[ChannelOrder], list[ImportProblem]]:
    mapping = {k: v for k, v in mapping.items() if k in FIELDS and v}
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        return [], [ImportProblem(0, f, "mapping_missing") for f in missing]
    if rows:
        absent = [mapping[f] for f in mapping if mapping[f] not in rows[0]]
        if absent:
            return [], [ImportProblem(1, c, "column_missing") for c in absent]
    problems: list[ImportProblem] = []
    orders: dict[str, ChannelOrder] = {}
    closed: set[str] = set()
    previous = ""
    for i, row in enumerate(rows):
        number = first_row + i

        def get(f):
            value = row.get(mapping[f]) if f in mapping else ""
            return value.strip() if isinstance(value, str) else ("" if value is None else value)

        if not any(str(v or "").strip() for v in row.values()):
            continue
        name = str(get("order_number"))
        if not name:
            problems.append(ImportProblem(number, mapping["order_number"], "order_number_missing"))
            continue
        if name != previous and name in orders:
            closed.add(name)
        if name in closed:
            problems.append(ImportProblem(number, mapping["order_number"], "order_number_duplicate", name))
            continue
        previous = name
        order = orders.get(name)
        if order is None:
            order = ChannelOrder(
                number=name,
                email=str(get("email")) or f"{channel}-{name}@orders.invalid".lower().replace("#", ""),
                paid=is_yes(get("paid")) if "paid" in mapping else True,
                placed_at=to_datetime(get("placed_at")),
                ship_name=str(get("ship_name")),
                ship_phone=str(get("ship_phone")),
                ship_country=(str(get("ship_country")) or "CN").upper()[:2],
                ship_province=str(get("ship_province")),
                ship_city=str(get("ship_city")),
                ship_line1=str(get("ship_line1")),
                ship_postcode=str(get("ship_postcode")),
                billing_province=str(get("billing_province")),
                shipping_total=to_decimal(get("shipping_total"), number, mapping.get("shipping_total", ""), problems),
                row=number,
            )
            orders[name] = order
        order.lines.append(
            ChannelLine(
                sku=str(get("sku")),
                name=str(get("product_name")),
                row=number,
                quantity=to_quantity(get("quantity"), number, mapping["quantity"], problems),
                unit_price=to_decimal(get("unit_price"), number, mapping["unit_price"], problems),
            )
        )
    return list(orders.values()), problems
