"""Product files: our own columns, Shopify's product CSV and WooCommerce's, both ways.

Pure: a header and rows of text in, `ProductRow`s (one per SKU) and `RowError`s (line, column,
reason code) out; and `ProductRow`s in, rows of text out. Reading bytes (encodings, XLSX) and
writing to the database live elsewhere.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from operator import itemgetter
from typing import Any, TypeVar

NATIVE = "native"
SHOPIFY = "shopify"
WOOCOMMERCE = "woocommerce"
FORMATS = (NATIVE, SHOPIFY, WOOCOMMERCE)

STATUSES = ("draft", "listed", "delisted")

NATIVE_COLUMNS = (
    "handle",
    "name",
    "name_en",
    "description",
    "description_en",
    "brand",
    "category",
    "tags",
    "status",
    "seo_title",
    "seo_description",
    "sku",
    "options",
    "price",
    "sale_price",
    "member_price",
    "compare_at_price",
    "cost_price",
    "weight_grams",
    "barcode",
    "stock",
    "image_url",
    "image_alt",
    "attributes",
)
NATIVE_REQUIRED = ("handle", "sku", "price")

SHOPIFY_COLUMNS = (
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "Variant SKU",
    "Variant Grams",
    "Variant Inventory Qty",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Barcode",
    "Image Src",
    "Image Position",
    "Image Alt Text",
    "SEO Title",
    "SEO Description",
    "Cost per item",
    "Status",
)
SHOPIFY_REQUIRED = ("Handle", "Variant SKU", "Variant Price")

WOOCOMMERCE_COLUMNS = (
    "ID",
    "Type",
    "SKU",
    "Name",
    "Published",
    "Short description",
    "Description",
    "Sale price",
    "Regular price",
    "Categories",
    "Tags",
    "Images",
    "Parent",
    "Brands",
    "Weight (kg)",
    "Stock",
    "Attribute 1 name",
    "Attribute 1 value(s)",
    "Attribute 2 name",
    "Attribute 2 value(s)",
    "Attribute 3 name",
    "Attribute 3 value(s)",
)
WOOCOMMERCE_REQUIRED = ("Type", "SKU", "Name")

MAX_PRICE = Decimal("9999999999.99")
FEN = Decimal("0.01")


@dataclass(slots=True)  # one per row of a file: no per-row __dict__
class ProductRow:
    """One SKU of one product, as read from a file. Product fields come from the group's first row."""

    line: int
    handle: str
    sku: str
    price: Decimal
    name: str = ""
    name_en: str = ""
    description: str = ""
    description_en: str = ""
    brand: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    status: str = ""
    seo_title: str = ""
    seo_description: str = ""
    options: dict[str, str] = field(default_factory=dict)
    sale_price: Decimal | None = None
    member_price: Decimal | None = None
    compare_at_price: Decimal | None = None
    cost_price: Decimal | None = None
    weight_grams: int | None = None
    barcode: str = ""
    stock: int | None = None
    image_url: str = ""
    image_alt: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    code: str
    value: str = ""


@dataclass
class ParseResult:
    rows: list[ProductRow]
    errors: list[RowError]
    warnings: list[RowError] = field(default_factory=list)  # imported anyway, or left out on purpose


# --- detection ----------------------------------------------------------------------------------


def detect_format(header: list[str]) -> str | None:
    names = {h.strip() for h in header}
    if {"Handle", "Variant SKU"} <= names or {"Handle", "Title", "Variant Price"} <= names:
        return SHOPIFY
    if {"Type", "SKU", "Regular price"} <= names or {"Type", "SKU", "Name", "Parent"} <= names:
        return WOOCOMMERCE
    if {"handle", "sku", "price"} <= {n.lower() for n in names}:
        return NATIVE
    return None


def missing_columns(file_format: str, header: list[str]) -> list[str]:
    required = {NATIVE: NATIVE_REQUIRED, SHOPIFY: SHOPIFY_REQUIRED, WOOCOMMERCE: WOOCOMMERCE_REQUIRED}[file_format]
    names = {h.strip().lower() for h in header} if file_format == NATIVE else {h.strip() for h in header}
    return [c for c in required if c not in names]


# --- value parsing ------------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, code: str):
        self.code = code


_CURRENCY = re.compile(r"^[¥￥$€£]|(?:CNY|RMB|元)$", re.IGNORECASE)
# Value parsers are pure and a file repeats its values (prices, weights, option lists) from row to
# row: each distinct text is parsed once per process. A bad value raises each time (not cached).
_PARSED = 4096


@lru_cache(maxsize=_PARSED)
def parse_money(text: str) -> Decimal | None:
    """'59', '59.90', '¥1,299.00' -> Decimal; '' -> None; refuses negatives and non-numbers."""
    text = (text or "").strip()
    if not text:
        return None
    text = _CURRENCY.sub("", text).strip().replace(",", "")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise _Bad("price_not_number") from None
    if not amount.is_finite():
        raise _Bad("price_not_number")
    if amount < 0:
        raise _Bad("price_negative")
    if amount > MAX_PRICE:
        raise _Bad("price_too_large")
    return amount.quantize(FEN, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=_PARSED)
def parse_int(text: str, code: str = "quantity_invalid") -> int | None:
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise _Bad(code) from None
    if not value.is_finite() or value != value.to_integral_value() or value < 0 or value > 10_000_000:
        raise _Bad(code)
    return int(value)


GRAMS_PER_UNIT = {
    "kg": Decimal(1000),
    "g": Decimal(1),
    "lbs": Decimal("453.59237"),
    "lb": Decimal("453.59237"),
    "oz": Decimal("28.349523125"),
}


@lru_cache(maxsize=_PARSED)
def parse_weight_as_grams(text: str, unit: str = "g") -> int | None:
    """'0.5' (in `unit`) -> whole grams, rounded half up: Shopify writes grams with decimals
    (226.796185 for 8 oz), WooCommerce writes its store's unit (kg, g, lbs or oz)."""
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise _Bad("weight_invalid") from None
    grams = value * GRAMS_PER_UNIT[unit] if value.is_finite() else value
    if not grams.is_finite() or grams < 0 or grams > 10_000_000:
        raise _Bad("weight_invalid")
    return int(grams.to_integral_value(rounding=ROUND_HALF_UP))


def parse_kg_as_grams(text: str) -> int | None:
    return parse_weight_as_grams(text, "kg")


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")


def is_scientific_notation(text: str) -> bool:
    """'3.65275E+11': a barcode a spreadsheet turned into a rounded number; its digits are lost."""
    return bool(_SCIENTIFIC.fullmatch((text or "").strip()))


def parse_options(text: str) -> dict[str, str]:
    """'颜色:红; 尺码:M' -> {'颜色': '红', '尺码': 'M'} (a new dict each time: the caller may change it)."""
    return dict(_parse_options(text))


@lru_cache(maxsize=_PARSED)
def _parse_options(text: str) -> tuple[tuple[str, str], ...]:
    options: dict[str, str] = {}
    for part in re.split(r"[;；\n]", text or ""):
        if not part.strip():
            continue
        name, sep, value = _split_option(part)
        if not sep or not name.strip() or not value.strip():
            raise _Bad("options_invalid")
        options[name.strip()] = value.strip()
    return tuple(options.items())


def _split_option(part: str) -> tuple[str, str, str]:
    match = re.match(r"^([^:：=]*)([:：=])(.*)$", part)
    if not match:
        return part, "", ""
    return match.group(1), match.group(2), match.group(3)


def _safe_options(text: str) -> dict[str, str]:
    try:
        return parse_options(text)
    except _Bad:
        return {}


def format_options(options: dict[str, str] | None) -> str:
    return "; ".join(f"{k}:{v}" for k, v in (options or {}).items())


@lru_cache(maxsize=_PARSED)
def parse_tags(text: str) -> tuple[str, ...]:
    seen, tags = set(), []
    for raw in re.split(r"[,，、]", text or ""):
        tag = raw.strip()
        if tag and tag not in seen:
            seen.add(tag)
            tags.append(tag)
    return tuple(tags)


def _truthy(text: str) -> bool | None:
    value = (text or "").strip().lower()
    if value in {"true", "1", "yes", "y", "是"}:
        return True
    if value in {"false", "0", "no", "n", "否", "-1"}:
        return False
    return None


# --- parsing per format ---------------------------------------------------------------------------

T = TypeVar("T")


class _Row:
    """Cells of one row by column name, recording which column a bad value came from."""

    def __init__(
        self,
        index: dict[str, int],
        cells: list[str],
        line: int,
        errors: list[RowError],
        used: set[str] | None = None,
        texts: dict[str, str] | None = None,
    ):
        self.index, self.cells, self.line, self.errors = index, cells, line, errors
        self.used = used if used is not None else set()
        self.ok = True
        # a column is read several times per row: cleaned once (or all at once by the caller)
        self._texts: dict[str, str] = texts if texts is not None else {}

    def text(self, column: str) -> str:
        value = self._texts.get(column)
        if value is not None:
            return value
        self.used.add(column)
        i = self.index.get(column)
        if i is None or i >= len(self.cells):
            value = ""
        else:
            value = self.cells[i]
            value = "" if value is None else str(value).strip()
        self._texts[column] = value
        return value

    def parse(self, column: str, parser: Callable[..., T], *args: Any) -> T | None:
        raw = self.text(column)
        try:
            return parser(raw, *args)
        except _Bad as bad:
            self.fail(column, bad.code, raw)
            return None

    def fail(self, column: str, code: str, value: str = "") -> None:
        self.ok = False
        self.errors.append(RowError(self.line, column, code, value[:100]))

    def barcode(self, column: str, warnings: list[RowError]) -> str:
        """The barcode, or '' with a warning when a spreadsheet turned it into 3.65E+11."""
        value = self.text(column)
        if is_scientific_notation(value):
            warnings.append(RowError(self.line, column, "barcode_scientific", value))
            return ""
        return value


Rows = Iterable[tuple[int, list[Any]]]  # (line number, cells)


def _index(header: list[str], lower: bool = False) -> dict[str, int]:
    index = {}
    for i, name in enumerate(header):
        key = (name or "").strip()
        key = key.lower() if lower else key
        if key and key not in index:
            index[key] = i
    return index


# Columns read but not stored: product pictures are added in the console, not fetched from a file.
NOT_IMPORTED = {"Image Src", "Image Position", "Image Alt Text", "Variant Image", "Images"}


def parse_rows(file_format: str, header: list[str], rows: Rows) -> ParseResult:
    """`rows`: iterable of (line number, list of cells). One ProductRow per SKU row. Warnings:
    values left out on purpose (a barcode in scientific notation, a grouped or external
    WooCommerce product) and, for platform files, the columns this import does not use."""
    result = ParseResult(rows=[], errors=[], warnings=[])
    for chunk in parse_chunks(file_format, header, rows, size=1 << 62):
        result.rows.extend(chunk.rows)
        result.errors.extend(chunk.errors)
        result.warnings.extend(chunk.warnings)
    result.warnings.sort(key=lambda w: w.line)
    return result


@dataclass
class ParseState:
    """What reading a file in chunks remembers from one chunk to the next: per key, compact (the
    SKUs met, the handles met and their option names, WooCommerce's variable products)."""

    first_line_of_sku: dict[str, int] = field(default_factory=dict)  # casefolded SKU -> line
    handles_seen: set[str] = field(default_factory=set)  # handles with a product row in an earlier chunk
    option_names: dict[str, list[str]] = field(default_factory=dict)  # Shopify: handle -> option names
    parents: dict[str, dict[str, Any]] = field(default_factory=dict)  # WooCommerce: parent ref -> fields
    used: set[str] = field(default_factory=set)  # columns read
    largest_chunk: int = 0  # rows of the largest chunk handed out (a seam for tests)


def _group_key(file_format: str, index: dict[str, int]) -> Callable[[list[Any]], str]:
    """The cell that says which product a raw row belongs to: a chunk ends only where it changes,
    so a product's rows (written together, as every export writes them) stay in one chunk."""
    if file_format == WOOCOMMERCE:
        type_at = index.get("Type")

        def woo_key(cells: list[Any]) -> str:
            kind = str(cells[type_at]).lower() if type_at is not None and type_at < len(cells) else ""
            return "" if "variation" in kind else str(id(cells))  # a parent or simple row starts a product

        return woo_key
    at = index.get("handle" if file_format == NATIVE else "Handle")

    def key(cells: list[Any]) -> str:
        return str(cells[at] or "").strip().lower() if at is not None and at < len(cells) else ""

    return key


def parse_chunks(
    file_format: str, header: list[str], rows: Rows, size: int = 2000, state: ParseState | None = None
) -> Iterator[ParseResult]:
    """The rows of a file parsed `size` rows at a time (a little more, so that a product's rows stay
    together): the file is never held whole, only the compact `state`. Each chunk carries its own
    errors and warnings; the last one adds the file's warnings (columns not used)."""
    parser = {NATIVE: _parse_native, SHOPIFY: _parse_shopify, WOOCOMMERCE: _parse_woocommerce}[file_format]
    state = state if state is not None else ParseState()
    sku_column = {NATIVE: "sku", SHOPIFY: "Variant SKU", WOOCOMMERCE: "SKU"}[file_format]
    index = _index(header, lower=file_format == NATIVE)
    key_of = _group_key(file_format, index)

    def parse(batch: list[tuple[int, list[Any]]]) -> ParseResult:
        errors: list[RowError] = []
        warnings: list[RowError] = []
        parsed = parser(header, batch, errors, warnings, state.used, state)
        kept = check_duplicate_skus(parsed, errors, sku_column, state.first_line_of_sku)
        state.handles_seen.update(r.handle for r in kept)
        state.largest_chunk = max(state.largest_chunk, len(batch))
        return ParseResult(rows=kept, errors=errors, warnings=warnings)

    batch: list[tuple[int, list[Any]]] = []
    last_key = None
    for line, cells in rows:
        key = key_of(cells)
        if len(batch) >= size and key != last_key and key != "":
            yield parse(batch)
            batch = []
        batch.append((line, cells))
        last_key = key if key != "" else last_key
    last = parse(batch)
    if file_format != NATIVE:
        ignored = [
            h.strip() for h in header if h.strip() and (h.strip() not in state.used or h.strip() in NOT_IMPORTED)
        ]
        if ignored:
            last.warnings.insert(0, RowError(1, "", "columns_ignored", ", ".join(dict.fromkeys(ignored))))
    yield last


def check_duplicate_skus(
    rows: list[ProductRow], errors: list[RowError], sku_column: str = "sku", first_line: dict[str, int] | None = None
) -> list[ProductRow]:
    """Rows whose SKU came earlier (in `rows` or in `first_line`, SKU -> line) are reported and left out."""
    first_line = first_line if first_line is not None else {}
    kept = []
    for row in rows:
        key = row.sku.casefold()
        if key in first_line:
            errors.append(RowError(row.line, sku_column, "sku_duplicated_in_file", row.sku))
            continue
        first_line[key] = row.line
        kept.append(row)
    return kept


def _required(row: _Row, column: str) -> str:
    value = row.text(column)
    if not value:
        row.fail(column, "required")
    return value


NATIVE_PRODUCT_FIELDS = (
    "name",
    "name_en",
    "description",
    "description_en",
    "brand",
    "category",
    "seo_title",
    "seo_description",
)


def _parse_native(
    header: list[str],
    rows: Rows,
    errors: list[RowError],
    warnings: list[RowError],
    used: set[str],
    state: "ParseState | None" = None,
) -> list[ProductRow]:
    index = _index(header, lower=True)
    out = []
    product_fields: dict[str, dict[str, Any]] = {}  # handle -> fields of its first row with a name, good or bad
    # Every native column is read from every row: the cells are cleaned once per row into one
    # dict (a column the file lacks reads as ""), and the parsers below are cached per value.
    present = [(name, index[name]) for name in NATIVE_COLUMNS if name in index]
    absent = dict.fromkeys((name for name in NATIVE_COLUMNS if name not in index), "")
    used.update(name for name, _i in present)
    names = [name for name, _i in present]
    width = max((i for _name, i in present), default=-1) + 1
    pick = itemgetter(*(i for _name, i in present)) if len(present) > 1 else None
    for line, cells in rows:
        try:
            stripped = [c.strip() for c in cells]  # text cells (CSV, and XLSX text)
        except AttributeError:  # a number or an empty cell of a spreadsheet
            stripped = ["" if c is None else c.strip() if isinstance(c, str) else str(c).strip() for c in cells]
            if not any((c or "").strip() if isinstance(c, str) else c is not None for c in cells):
                continue
        else:
            if not any(stripped):
                continue
        if len(stripped) < width:
            stripped += [""] * (width - len(stripped))
        texts = dict(absent)
        if pick is not None:
            texts.update(zip(names, pick(stripped), strict=True))
        else:
            texts.update((name, stripped[i]) for name, i in present)
        r = _Row(index, cells, line, errors, used, texts)
        handle_text, name_text, status_text = texts["handle"], texts["name"], texts["status"].lower()
        if handle_text and name_text and handle_text.lower() not in product_fields:
            product_fields[handle_text.lower()] = {
                **{name: texts[name] for name in NATIVE_PRODUCT_FIELDS},
                "tags": parse_tags(texts["tags"]),
                "attributes": _safe_options(texts["attributes"]),
                "status": status_text if status_text in STATUSES else "",
            }
        handle, sku = _required(r, "handle"), _required(r, "sku")
        price = r.parse("price", parse_money)
        if price is None and r.ok:
            r.fail("price", "required")
        if status_text and status_text not in STATUSES:
            r.fail("status", "status_invalid", status_text)
        options = r.parse("options", parse_options)
        attributes = r.parse("attributes", parse_options) if texts["attributes"] else {}
        sale_price = r.parse("sale_price", parse_money) if texts["sale_price"] else None
        member_price = r.parse("member_price", parse_money) if texts["member_price"] else None
        compare_at_price = r.parse("compare_at_price", parse_money) if texts["compare_at_price"] else None
        cost_price = r.parse("cost_price", parse_money) if texts["cost_price"] else None
        weight = r.parse("weight_grams", parse_weight_as_grams) if texts["weight_grams"] else None
        stock = r.parse("stock", parse_int) if texts["stock"] else None
        if not r.ok or price is None:  # no price: the row has failed
            continue
        barcode = r.barcode("barcode", warnings)
        out.append(
            ProductRow(
                line=line,
                handle=handle.lower(),
                sku=sku,
                price=price,
                name=name_text,
                name_en=texts["name_en"],
                description=texts["description"],
                description_en=texts["description_en"],
                brand=texts["brand"],
                category=texts["category"],
                tags=parse_tags(texts["tags"]),
                status=status_text,
                seo_title=texts["seo_title"],
                seo_description=texts["seo_description"],
                options=options or {},
                sale_price=sale_price,
                member_price=member_price,
                compare_at_price=compare_at_price,
                cost_price=cost_price,
                weight_grams=weight,
                barcode=barcode,
                stock=stock,
                image_url=texts["image_url"],
                image_alt=texts["image_alt"],
                attributes=attributes or {},
            )
        )
    for row in out:  # a group whose first row was bad still has its product's name and texts
        fields = product_fields.get(row.handle)
        if fields and not row.name:
            for name, value in fields.items():
                if not getattr(row, name):
                    setattr(row, name, value)
    return out


def _shopify_status(r: _Row) -> str:
    status = r.text("Status").lower()
    if status == "active":
        return "listed"
    if status == "archived":
        return "delisted"
    if status == "draft":
        return "draft"
    published = _truthy(r.text("Published"))
    if published is None:
        return ""
    return "listed" if published else "draft"


def _parse_shopify(
    header: list[str],
    rows: Rows,
    errors: list[RowError],
    warnings: list[RowError],
    used: set[str],
    state: "ParseState | None" = None,
) -> list[ProductRow]:
    index = _index(header)
    out: list[ProductRow] = []
    product_fields: dict[str, dict[str, Any]] = {}
    option_names: dict[str, list[str]] = state.option_names if state is not None else {}
    seen_before: set[str] = state.handles_seen if state is not None else set()
    first_image: dict[str, tuple[str, str]] = {}
    for line, cells in rows:
        r = _Row(index, cells, line, errors, used)
        handle = r.text("Handle").lower()
        if not handle:
            if any((c or "").strip() for c in cells if isinstance(c, str)):
                r.fail("Handle", "required")
            continue
        if handle not in product_fields and r.text("Title"):
            product_fields[handle] = {
                "name": r.text("Title"),
                "description": r.text("Body (HTML)"),
                "brand": r.text("Vendor"),
                "category": r.text("Type"),
                "tags": parse_tags(r.text("Tags")),
                "status": _shopify_status(r),
                "seo_title": r.text("SEO Title"),
                "seo_description": r.text("SEO Description"),
            }
            option_names[handle] = [r.text(f"Option{n} Name") for n in (1, 2, 3)]
        if r.text("Image Src") and handle not in first_image:
            first_image[handle] = (r.text("Image Src"), r.text("Image Alt Text"))
        sku = r.text("Variant SKU")
        if not sku:
            if r.text("Variant Price"):
                r.fail("Variant SKU", "required")
            continue  # an image-only row
        price = r.parse("Variant Price", parse_money)
        if price is None and r.ok:
            r.fail("Variant Price", "required")
        compare = r.parse("Variant Compare At Price", parse_money)
        cost = r.parse("Cost per item", parse_money)
        grams = r.parse("Variant Grams", parse_weight_as_grams)
        stock = r.parse("Variant Inventory Qty", parse_int)
        if not r.ok or price is None:  # no price: the row has failed
            continue
        barcode = r.barcode("Variant Barcode", warnings)
        names = option_names.get(handle) or ["", "", ""]
        options = {}
        for n, name in zip((1, 2, 3), names, strict=False):
            value = r.text(f"Option{n} Value")
            if name and value and not (name == "Title" and value == "Default Title"):
                options[name] = value
        out.append(
            ProductRow(
                line=line,
                handle=handle,
                sku=sku,
                price=price,
                compare_at_price=compare,
                cost_price=cost,
                weight_grams=grams,
                stock=stock,
                options=options,
                barcode=barcode,
            )
        )
    for row in out:
        fields = product_fields.get(row.handle)
        if fields is None:
            if row.handle in seen_before:  # more SKUs of a product met in an earlier chunk
                continue
            errors.append(RowError(row.line, "Title", "required"))
            row.handle = ""
            continue
        for key, value in fields.items():
            setattr(row, key, value)
        row.image_url, row.image_alt = first_image.get(row.handle, ("", ""))
    return [row for row in out if row.handle]


def _woo_status(text: str) -> str:
    value = (text or "").strip()
    return {"1": "listed", "0": "draft", "-1": "draft"}.get(value, "")


def _woo_category(text: str) -> str:
    first = (text or "").split(",")[0]
    return first.split(">")[-1].strip()


WOO_WEIGHT_COLUMNS = {f"Weight ({unit})": unit for unit in ("kg", "g", "lbs", "oz")}
WOO_NOT_SOLD_HERE = {"grouped": "type_grouped", "external": "type_external"}


def _parse_woocommerce(
    header: list[str],
    rows: Rows,
    errors: list[RowError],
    warnings: list[RowError],
    used: set[str],
    state: "ParseState | None" = None,
) -> list[ProductRow]:
    index = _index(header)
    out: list[ProductRow] = []
    parents: dict[str, dict[str, Any]] = state.parents if state is not None else {}  # "id:12" / SKU -> fields
    variations: list[tuple[ProductRow, str]] = []
    weight_column = next((c for c in WOO_WEIGHT_COLUMNS if c in index), "Weight (kg)")
    for line, cells in rows:
        r = _Row(index, cells, line, errors, used)
        kind = r.text("Type").lower()
        if not kind and not any((c or "").strip() for c in cells if isinstance(c, str)):
            continue
        kinds = {k.strip() for k in kind.split(",")}
        fields: dict[str, Any] = {
            "name": r.text("Name"),
            "description": r.text("Description") or r.text("Short description"),
            "brand": r.text("Brands"),
            "category": _woo_category(r.text("Categories")),
            "tags": parse_tags(r.text("Tags")),
            "status": _woo_status(r.text("Published")),
        }
        images = [u.strip() for u in r.text("Images").split(",") if u.strip()]
        if "variable" in kinds:
            if not fields["name"]:
                r.fail("Name", "required")
                continue
            ref_keys = [f"id:{r.text('ID')}"] if r.text("ID") else []
            if r.text("SKU"):
                ref_keys.append(r.text("SKU"))
            if not ref_keys:
                r.fail("SKU", "required")
                continue
            handle = (r.text("SKU") or f"woo-{r.text('ID')}").lower()
            parent_grams = r.parse(weight_column, parse_weight_as_grams, WOO_WEIGHT_COLUMNS.get(weight_column, "kg"))
            for key in ref_keys:
                parents[key] = {
                    **fields,
                    "handle": handle,
                    "image_url": images[0] if images else "",
                    "_grams": parent_grams,
                }
            continue
        if not ({"simple", "variation"} & kinds):
            not_sold = next((code for k, code in WOO_NOT_SOLD_HERE.items() if k in kinds), None)
            if not_sold:  # a product the shop cannot sell itself: left out, said on its line
                warnings.append(RowError(line, "Type", not_sold, r.text("Name") or kind))
            else:
                r.fail("Type", "type_unsupported", kind)
            continue
        sku = _required(r, "SKU")
        regular = r.parse("Regular price", parse_money)
        sale = r.parse("Sale price", parse_money)
        grams = r.parse(weight_column, parse_weight_as_grams, WOO_WEIGHT_COLUMNS.get(weight_column, "kg"))
        stock = r.parse("Stock", parse_int)
        if regular is None and sale is None and r.ok:
            r.fail("Regular price", "required")
        price = regular if regular is not None else sale
        if not r.ok or price is None:  # no price: the row has failed
            continue
        options = {}
        for n in (1, 2, 3):
            name, value = r.text(f"Attribute {n} name"), r.text(f"Attribute {n} value(s)")
            if name and value:
                options[name] = value.split(",")[0].strip()
        row = ProductRow(
            line=line,
            handle="",
            sku=sku,
            price=price,
            sale_price=sale if regular is not None else None,
            weight_grams=grams,
            stock=stock,
            options=options,
        )
        if "variation" in kinds:
            parent = r.text("Parent")
            if not parent:
                r.fail("Parent", "required")
                continue
            variations.append((row, parent))
        else:
            if not fields["name"]:
                r.fail("Name", "required")
                continue
            row.handle = sku.lower()
            for key, value in fields.items():
                setattr(row, key, value)
            row.image_url = images[0] if images else ""
            out.append(row)
    for row, parent in variations:
        parent_fields = parents.get(parent) or parents.get(parent.lower())
        if parent_fields is None:
            errors.append(RowError(row.line, "Parent", "parent_unknown", parent))
            continue
        fields = parent_fields
        for key, value in fields.items():
            if key != "_grams":
                setattr(row, key, value)
        if row.weight_grams is None:  # WooCommerce: a variation without a weight has its parent's
            row.weight_grams = fields["_grams"]
        out.append(row)
    out.sort(key=lambda row: row.line)
    return out


# --- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductOut:
    """A product to write to a file, with its SKUs (dicts of the SKU fields)."""

    handle: str
    name: str
    name_en: str
    description: str
    description_en: str
    brand: str
    category: str
    category_path: tuple[str, ...]
    tags: tuple[str, ...]
    status: str
    seo_title: str
    seo_description: str
    variants: tuple[dict[str, Any], ...]
    images: tuple[tuple[str, str], ...]  # (url, alt)
    ref: int = 0
    attributes: dict[str, str] = field(default_factory=dict)


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _int(value: int | None) -> str:
    return "" if value is None else str(value)


def header_for(file_format: str) -> tuple[str, ...]:
    return {NATIVE: NATIVE_COLUMNS, SHOPIFY: SHOPIFY_COLUMNS, WOOCOMMERCE: WOOCOMMERCE_COLUMNS}[file_format]


def rows_for(file_format: str, product: ProductOut) -> Iterator[list[str]]:
    return {NATIVE: _native_rows, SHOPIFY: _shopify_rows, WOOCOMMERCE: _woo_rows}[file_format](product)


def _native_rows(p: ProductOut) -> Iterator[list[str]]:
    image_url, image_alt = p.images[0] if p.images else ("", "")
    for i, v in enumerate(p.variants):
        first = i == 0
        yield [
            p.handle,
            p.name if first else "",
            p.name_en if first else "",
            p.description if first else "",
            p.description_en if first else "",
            p.brand if first else "",
            p.category if first else "",
            ", ".join(p.tags) if first else "",
            p.status if first else "",
            p.seo_title if first else "",
            p.seo_description if first else "",
            v["sku"],
            format_options(v["options"]),
            _money(v["price"]),
            _money(v["sale_price"]),
            _money(v["member_price"]),
            _money(v["compare_at_price"]),
            _money(v["cost_price"]),
            _int(v["weight_grams"]),
            v["barcode"],
            _int(v.get("stock")),
            image_url if first else "",
            image_alt if first else "",
            format_options(p.attributes) if first else "",
        ]


def _shopify_rows(p: ProductOut) -> Iterator[list[str]]:
    option_names = list(dict.fromkeys(k for v in p.variants for k in (v["options"] or {})))[:3]
    status = {"listed": "active", "delisted": "archived"}.get(p.status, "draft")
    for i, v in enumerate(p.variants):
        first = i == 0
        opts = []
        for n in range(3):
            if n < len(option_names):
                opts += [option_names[n] if first else "", (v["options"] or {}).get(option_names[n], "")]
            elif n == 0 and not option_names:
                opts += ["Title" if first else "", "Default Title"]
            else:
                opts += ["", ""]
        image_url, image_alt = p.images[i] if i < len(p.images) else ("", "")
        yield [
            p.handle,
            p.name if first else "",
            p.description if first else "",
            p.brand if first else "",
            p.category if first else "",
            ", ".join(p.tags) if first else "",
            ("TRUE" if p.status == "listed" else "FALSE") if first else "",
            *opts,
            v["sku"],
            _int(v["weight_grams"]),
            _int(v.get("stock")),
            _money(v["price"]),
            _money(v["compare_at_price"]),
            v["barcode"],
            image_url,
            str(i + 1) if image_url else "",
            image_alt,
            p.seo_title if first else "",
            p.seo_description if first else "",
            _money(v["cost_price"]),
            status if first else "",
        ]
    for n, (url, alt) in enumerate(p.images[len(p.variants) :], start=len(p.variants) + 1):
        yield [p.handle, *[""] * 18, url, str(n), alt, "", "", "", ""]


def _grams_as_kg(grams: int | None) -> str:
    if grams is None:
        return ""
    return f"{(Decimal(grams) / 1000).normalize():f}"


def _woo_rows(p: ProductOut) -> Iterator[list[str]]:
    published = {"listed": "1", "draft": "-1"}.get(p.status, "0")
    category = " > ".join(p.category_path)
    images = ", ".join(url for url, _alt in p.images)
    simple = len(p.variants) == 1 and not p.variants[0]["options"]

    def prices(v: dict[str, Any]) -> tuple[str, str]:
        if v["sale_price"] is not None:
            return _money(v["sale_price"]), _money(v["price"])
        return "", _money(v["price"])

    if simple:
        v = p.variants[0]
        sale, regular = prices(v)
        yield [
            "",
            "simple",
            v["sku"],
            p.name,
            published,
            "",
            p.description,
            sale,
            regular,
            category,
            ", ".join(p.tags),
            images,
            "",
            p.brand,
            _grams_as_kg(v["weight_grams"]),
            _int(v.get("stock")),
            "",
            "",
            "",
            "",
            "",
            "",
        ]
        return
    names = list(dict.fromkeys(k for v in p.variants for k in (v["options"] or {})))[:3]
    attrs = []
    for n in range(3):
        if n < len(names):
            values = list(
                dict.fromkeys(v["options"].get(names[n], "") for v in p.variants if v["options"].get(names[n]))
            )
            attrs += [names[n], ", ".join(values)]
        else:
            attrs += ["", ""]
    yield [
        f"{p.ref}",
        "variable",
        "",
        p.name,
        published,
        "",
        p.description,
        "",
        "",
        category,
        ", ".join(p.tags),
        images,
        "",
        p.brand,
        "",
        "",
        *attrs,
    ]
    for v in p.variants:
        sale, regular = prices(v)
        attrs = []
        for n in range(3):
            attrs += [names[n], v["options"].get(names[n], "")] if n < len(names) else ["", ""]
        yield [
            "",
            "variation",
            v["sku"],
            f"{p.name} - {', '.join(v['options'].values())}",
            published,
            "",
            "",
            sale,
            regular,
            "",
            "",
            "",
            f"id:{p.ref}",
            "",
            _grams_as_kg(v["weight_grams"]),
            _int(v.get("stock")),
            *attrs,
        ]


def parse_attribute_lines(text: str) -> dict[str, str]:
    """'材质: 棉' one per line (or ';'-separated) -> {'材质': '棉'}; a line without ':' is refused."""
    try:
        return parse_options(text)
    except _Bad:
        raise ValueError("attributes_invalid") from None


def format_attribute_lines(attributes: dict[str, str] | None) -> str:
    return "\n".join(f"{k}: {v}" for k, v in (attributes or {}).items())
