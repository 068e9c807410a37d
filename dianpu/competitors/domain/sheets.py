"""Snapshot files (CSV/XLSX, Chinese or English headers) read into rows (exports are neutralised
by the shared table export). Pure: header + cells in, typed rows and error codes out."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from .prices import parse_price

HEADERS = {
    "competitor_product_id": ("competitor_product_id", "竞品商品id", "竞品商品编号", "id"),
    "taken_at": ("taken_at", "时间", "日期", "date"),
    "price": ("price", "价格", "售价"),
    "promotion_text": ("promotion_text", "促销", "promotion"),
    "sales_count": ("sales_count", "销量", "sales"),
    "rating": ("rating", "评分"),
    "review_count": ("review_count", "评价数", "reviews"),
}
REQUIRED = ("competitor_product_id", "taken_at", "price")
MAX_ROWS = 5000
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M", "%Y/%m/%d")


@dataclass(frozen=True)
class SnapshotRow:
    line: int
    competitor_product_id: int
    taken_at: datetime  # naive: the shop's local time
    price: Decimal
    promotion_text: str
    sales_count: int | None
    rating: Decimal | None
    review_count: int | None


def map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column index per field, and the required fields missing."""
    found = {}
    for index, name in enumerate(header):
        key = str(name or "").strip().lower()
        for field, names in HEADERS.items():
            if key in names and field not in found:
                found[field] = index
    return found, [f for f in REQUIRED if f not in found]


def _date(text: str) -> datetime | None:
    text = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def _count(text: str) -> int | None:
    text = text.replace(",", "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{1,10}", text):
        raise ValueError
    return int(text)


def parse_rows(
    columns: dict[str, int], rows: Iterable[tuple[int, Sequence[Any]]]
) -> tuple[list[SnapshotRow], list[tuple[int, str]]]:
    """Typed rows, and (line, error code) for every row that cannot be read: the caller writes
    nothing when there is any error. `rows` may be a stream of (line, cells): it is read up to
    MAX_ROWS + 1 rows and no further."""
    parsed, errors = [], []
    for count, (line, cells) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            return [], [(0, "too_many_rows")]

        def cell(field: str) -> str:
            index = columns.get(field)
            return (
                str(cells[index]).strip()
                if index is not None and index < len(cells) and cells[index] is not None
                else ""
            )

        if not any(str(c or "").strip() for c in cells):
            continue
        ident = cell("competitor_product_id")
        if not ident.isdigit():
            errors.append((line, "competitor_product_id"))
            continue
        taken_at = _date(cell("taken_at"))
        if taken_at is None:
            errors.append((line, "taken_at"))
            continue
        raw_price = cell("price")
        price = None if raw_price.startswith("-") else parse_price(raw_price)
        if price is None:
            errors.append((line, "price"))
            continue
        try:
            sales, reviews = _count(cell("sales_count")), _count(cell("review_count"))
            rating = Decimal(cell("rating")) if cell("rating") else None
        except (ValueError, InvalidOperation):
            errors.append((line, "number"))
            continue
        if rating is not None and not (0 <= rating <= 5):
            errors.append((line, "rating"))
            continue
        parsed.append(
            SnapshotRow(line, int(ident), taken_at, price, cell("promotion_text")[:300], sales, rating, reviews)
        )
    return parsed, errors
