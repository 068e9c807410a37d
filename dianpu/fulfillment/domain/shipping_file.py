"""Reading a batch-shipping list: one parcel per row "order number, carrier, tracking number[, cost]".

Pure: text in, rows and per-line problems out. A header row (first cell "order…" / "订单…") is
skipped. Carriers may be given by code (sf) or by name (顺丰速运, SF Express).
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dianpu.fulfillment.carriers import CARRIERS


@dataclass(frozen=True)
class ShipRow:
    line: int
    order_number: str
    carrier: str
    tracking_number: str
    cost: Decimal | None = None


@dataclass(frozen=True)
class LineProblem:
    line: int
    column: str
    code: str
    value: str = ""


def carrier_code_for(text: str) -> str:
    """'sf', '顺丰速运', 'SF Express' -> 'sf'; unknown text is returned lower-cased (then refused)."""
    wanted = (text or "").strip().lower()
    for carrier in CARRIERS.values():
        if wanted in {carrier.code, carrier.name.lower(), carrier.name_en.lower()}:
            return carrier.code
    return wanted


def parse_ship_rows(text: str) -> tuple[list[ShipRow], list[LineProblem]]:
    rows, problems = [], []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for number, cells in enumerate(reader, 1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower().startswith(("order", "订单", "name")):
            continue
        if len(cells) < 3:
            problems.append(LineProblem(number, "", "columns_missing", ",".join(cells)))
            continue
        cost = None
        if len(cells) > 3 and cells[3]:
            try:
                cost = Decimal(cells[3])
                if cost < 0 or not cost.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(LineProblem(number, "cost", "cost_invalid", cells[3]))
                continue
        rows.append(ShipRow(number, cells[0].upper(), carrier_code_for(cells[1]), cells[2], cost))
    return rows, problems
