"""What the Chinese marketplaces' seller-centre files have in common (Taobao/Tmall, JD, Pinduoduo):
each platform module names its columns; this reads listings and splits a one-line address.

A platform is one `SellerCentre`: the columns of its listings export (platform SKU id, product
id, title, our SKU = 商家编码, stock), of its stock import file, of its orders export (as a
column mapping for generic.read_orders), and of its shipping (发货) import file.
"""

import re
from dataclasses import dataclass, field

from .base import ImportProblem


@dataclass(frozen=True)
class SellerCentre:
    code: str
    name: str
    listing_columns: dict[str, str]  # ours -> the platform's header: sku_id, product_id, title, sku, stock
    stock_header: tuple[str, ...]  # the stock import file: (sku_id col, sku col, stock col)
    order_mapping: dict[str, str]  # generic.FIELDS -> the platform's header
    shipping_header: tuple[str, ...]  # (order number col, carrier col, tracking number col)
    address_column: str = ""  # a one-line address split into province / city / line1 when set
    derived: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FileListing:
    sku_id: str
    product_id: str
    title: str
    sku: str
    row: int


LISTING_REQUIRED = ("sku_id", "sku")
PROVINCE_CITY = re.compile(
    r"^(?P<province>\S+?(?:省|自治区|特别行政区|市))\s*(?P<city>\S+?(?:市|自治州|地区|盟|区|县))\s*(?P<rest>.*)$"
)


def missing_columns(rows: list[dict], headers) -> list[str]:
    if not rows:
        return []
    return [h for h in headers if h and h not in rows[0]]


def read_listings(
    rows: list[dict], centre: SellerCentre, first_row: int = 2
) -> tuple[list[FileListing], list[ImportProblem]]:
    cols = centre.listing_columns
    missing = missing_columns(rows, [cols[k] for k in LISTING_REQUIRED])
    if missing:
        return [], [ImportProblem(1, c, "column_missing") for c in missing]
    found, problems = [], []
    for i, row in enumerate(rows):
        get = lambda key: str(row.get(cols.get(key, ""), "") or "").strip()  # noqa: E731
        if not any(str(v or "").strip() for v in row.values()):
            continue
        sku_id = get("sku_id")
        if not sku_id:
            problems.append(ImportProblem(first_row + i, cols["sku_id"], "sku_missing"))
            continue
        found.append(
            FileListing(
                sku_id=sku_id[:40],
                product_id=get("product_id")[:40],
                title=get("title")[:200],
                sku=get("sku")[:100],
                row=first_row + i,
            )
        )
    return found, problems


def split_address(text: str) -> tuple[str, str, str]:
    """ "浙江省 杭州市 西湖区 文三路 1 号" -> ("浙江省", "杭州市", "西湖区 文三路 1 号")."""
    text = " ".join(str(text or "").split())
    parts = text.split(" ")
    if len(parts) >= 3:
        return parts[0], parts[1], " ".join(parts[2:])
    match = PROVINCE_CITY.match(text)
    if match:
        return match["province"], match["city"], match["rest"] or text
    return "", "", text


def prepare_order_rows(rows: list[dict], centre: SellerCentre) -> list[dict]:
    """Add the derived province / city / line columns the mapping reads, from the one-line address."""
    if not centre.address_column:
        return rows
    for row in rows:
        province, city, line1 = split_address(row.get(centre.address_column, ""))
        row.setdefault("省", province)
        row.setdefault("市", city)
        row.setdefault("详细地址", line1)
    return rows
