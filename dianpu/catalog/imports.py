"""Importing products from a file (native, Shopify or WooCommerce; CSV or XLSX): a use case.

One file is one transaction: every good row is written or nothing is. A file with bad rows is
refused whole with a report naming line, column and reason, unless the operator chose to skip
the bad rows. Products are matched by SKU (then by handle), so importing the same file again
writes nothing. The file is read in two passes of CHUNK rows at a time (check everything, then
write inside one transaction), so memory stays flat whatever the file's size; in each chunk the
existing rows are read in one go and the writes are bulk inserts and bulk updates.
"""

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from operator import attrgetter

from django.db import IntegrityError, connection, models, transaction
from django.db.models.base import ModelState
from django.utils.translation import gettext as _

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.core.sanitize import clean_text, plain_text, sanitize_html
from dianpu.core.uploads import DEFAULT_LIMITS, check_spreadsheet

from .domain import product_files as pf
from .domain.pricing import calculate_floor, resolve_margin_percent
from .domain.search import build_search_document
from .domain.slugs import first_free_slug, is_valid_slug, make_slug
from .messages import MESSAGES, ROW_ERRORS, row_error_text, table_error_text
from .models import Category, ImportJob, MarginRule, PriceHistory, Product, Tag, Variant
from .spreadsheets import Table, TableError, read_table

CHUNK = 2000
# Product files: up to 100 MB as uploaded, 300 MB unpacked, 300,000 rows (dianpu.core.uploads).
IMPORT_LIMITS = DEFAULT_LIMITS
PRODUCT_FIELDS = ("name", "name_en", "description", "description_en", "brand", "status", "seo_title", "seo_description")
TEXT_LIMITS = {"name": 120, "name_en": 120, "brand": 80, "seo_title": 70, "seo_description": 200}
VARIANT_PRICE_FIELDS = ("price", "sale_price", "member_price", "compare_at_price", "cost_price")
PROGRESS_STEP = 2000
MAX_WARNINGS = 1000

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class ImportReport:
    file_format: str
    encoding: str = ""
    total_rows: int = 0
    products_created: int = 0
    products_updated: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    variants_unchanged: int = 0
    rows_skipped: int = 0
    stock_rows: int = 0  # SKUs whose on-hand the import changed
    dry_run: bool = False
    refused: bool = False
    errors: list[dict] = field(default_factory=list)  # {line, column, code, reason, value}
    warnings: list[dict] = field(default_factory=list)  # same shape: imported anyway, or left out on purpose

    @property
    def changed(self) -> bool:
        return bool(self.products_created or self.products_updated or self.variants_created or self.variants_updated)

    def as_dict(self) -> dict:
        return asdict(self)


class ImportRefused(DomainError):
    """The file had bad rows and the operator did not choose to skip them: nothing was written."""

    code = "import_refused"
    status = 422

    def __init__(self, report: ImportReport):
        super().__init__(str(MESSAGES["import_refused"]) % {"count": len(report.errors)}, errors=report.errors)
        self.report = report


def _file_error(code: str, **params) -> DomainError:
    return DomainError(table_error_text(code, params), code=code, status=422, **params)


def _noop(phase: str, done: int, total: int) -> None:
    return None


def _error_dict(e: pf.RowError) -> dict:
    return {"line": e.line, "column": e.column, "code": e.code, "reason": row_error_text(e.code), "value": e.value}


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def ids_by(model, column: str, keys) -> dict:
    """{key: id} of the rows whose text `column` is one of `keys` (exact match), by plain SQL in
    chunks: Django's `__in` lookup prepares every value of a 100,000-key list one by one."""
    quote = connection.ops.quote_name
    found: dict = {}
    keys = list(keys)
    with connection.cursor() as cursor:
        for chunk in _chunks(keys, 2000):
            cursor.execute(
                f"SELECT {quote(column)}, {quote(model._meta.pk.column)} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(column)} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            found.update(cursor.fetchall())
    return found


# --- reading and checking -----------------------------------------------------------------------------


def open_product_file(data: bytes, filename: str, file_format: str = "auto") -> tuple[str, Table]:
    """The file's format and its table (header read, rows not yet): a file-level problem raises a DomainError."""
    try:
        table = read_table(data, filename, IMPORT_LIMITS)
    except TableError as exc:
        raise _file_error(exc.code, **exc.params) from None
    detected = pf.detect_format(table.header)
    if file_format in ("", "auto", None):
        if detected is None:
            raise _file_error("format_unknown")
        file_format = detected
    elif file_format not in pf.FORMATS:
        raise _file_error("format_invalid")
    missing = pf.missing_columns(file_format, table.header)
    if missing:
        raise _file_error("columns_missing", columns=", ".join(missing))
    return file_format, table


def parsed_chunks(
    file_format: str, table: Table, rows: Iterable, state: pf.ParseState | None = None
) -> Iterator[pf.ParseResult]:
    """The table's rows parsed CHUNK at a time; a broken file met on the way raises a DomainError."""
    try:
        yield from pf.parse_chunks(file_format, table.header, rows, CHUNK, state)
    except TableError as exc:  # the rows are read as they are parsed
        raise _file_error(exc.code, **exc.params) from None


def read_product_file(
    data: bytes, filename: str, file_format: str = "auto", progress: "Progress | None" = None
) -> tuple[str, str, pf.ParseResult, int]:
    """Parse a whole file into rows and row errors (small files, tests); a file-level problem raises a DomainError."""
    file_format, table = open_product_file(data, filename, file_format)
    counted = _Counted(table.rows, progress)
    parsed = pf.ParseResult(rows=[], errors=[], warnings=[])
    for chunk in parsed_chunks(file_format, table, counted):
        parsed.rows.extend(chunk.rows)
        parsed.errors.extend(chunk.errors)
        parsed.warnings.extend(chunk.warnings)
    parsed.warnings.sort(key=lambda w: w.line)
    return file_format, table.encoding, parsed, counted.count


class _Counted:
    """The rows of a table, counted as they stream past."""

    def __init__(self, rows, progress=None):
        self.rows, self.count, self.progress = rows, 0, progress

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            if self.progress is not None and self.count % PROGRESS_STEP == 0:
                self.progress("read", self.count, 0)  # the total is known once the file is read
            yield row


@dataclass
class _Group:
    handle: str
    rows: list[pf.ProductRow]
    product_id: int | None = None
    fields: dict = field(default_factory=dict)


def _group_fields(rows: list[pf.ProductRow]) -> dict:
    """Product fields of a group: the first non-empty value of each (usually the group's first row)."""
    fields: dict = {}
    for name in (*PRODUCT_FIELDS, "category"):
        for row in rows:
            value = getattr(row, name)
            if value:
                fields[name] = value
                break
    for row in rows:
        if row.tags:
            fields["tags"] = row.tags
            break
    for row in rows:
        if row.attributes:
            fields["attributes"] = row.attributes
            break
    return fields


def _where_in(queryset, column: str, keys: list):
    """`queryset` narrowed to rows whose `column` is one of `keys`, 2,000 keys per query, the keys
    passed to the driver as they are (`__in` prepares each of 100,000 values through its field)."""
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    column = connection.ops.quote_name(column)
    for chunk in _chunks(keys, 2000):
        yield from queryset.extra(where=[f"{table}.{column} IN ({', '.join(['%s'] * len(chunk))})"], params=chunk)


def _load_existing_variants(skus: list[str]) -> dict[str, dict]:
    existing = {}
    columns = ("id", "sku", "product_id", "options", "weight_grams", "barcode", *VARIANT_PRICE_FIELDS)
    for row in _where_in(Variant.objects.values(*columns), "sku", skus):
        existing[row["sku"].casefold()] = row
    return existing


def _load_products_by_slug(slugs: list[str]) -> dict[str, int]:
    return ids_by(Product, "slug", slugs)


def _category_index() -> dict[str, Category]:
    index = {}
    for category in Category.objects.all():
        for key in (category.slug, category.name, category.name_en):
            if key:
                index.setdefault(key.casefold(), category)
    return index


# --- the use case -------------------------------------------------------------------------------------


def import_products(
    *,
    data: bytes,
    filename: str = "",
    file_format: str = "auto",
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    actor=None,
    set_stock: Callable[..., int] | None = None,
    progress: Progress | None = None,
    ip_address: str | None = None,
) -> ImportReport:
    """Import a product file. Raises ImportRefused (nothing written) when rows are bad and
    `skip_bad_rows` is off; with `dry_run` reports what would change and writes nothing.
    `set_stock` (SKU -> on hand) is called inside the same transaction for rows with a stock value.

    Two passes over the file, CHUNK rows at a time, so memory stays flat whatever its size: the
    first reads and checks every row (nothing written; the report and its errors come from it),
    the second, only for a file that passed, plans and writes chunk by chunk in one transaction."""
    progress = progress or _noop
    file_format, table = open_product_file(data, filename, file_format)
    report = ImportReport(file_format=file_format, encoding=table.encoding, dry_run=dry_run)
    counted = _Counted(table.rows, progress)
    errors: list[pf.RowError] = []
    warnings: list[pf.RowError] = []
    book = _Book(writing=False)
    for chunk in parsed_chunks(file_format, table, counted):
        chunk_errors = list(chunk.errors)
        plan = _plan(chunk.rows, file_format, chunk_errors, book)
        if chunk_errors:
            plan.drop_lines({e.line for e in chunk_errors})
            errors.extend(chunk_errors)
        plan.count(report, book)
        warnings.extend(chunk.warnings[: max(0, MAX_WARNINGS - len(warnings))])
        if chunk.warnings and chunk.warnings[0].code == "columns_ignored" and len(warnings) >= MAX_WARNINGS:
            warnings.insert(0, chunk.warnings[0])
    total = report.total_rows = counted.count
    report.warnings = [_error_dict(w) for w in sorted(warnings, key=lambda w: w.line)[:MAX_WARNINGS]]
    progress("check", total, total)
    bad_lines = {e.line for e in errors}
    if errors:
        errors.sort(key=lambda e: (e.line, e.column))
        report.errors = [_error_dict(e) for e in errors]
        report.rows_skipped = len(bad_lines)
        if not skip_bad_rows:
            report.refused = True
            raise ImportRefused(report)
    if dry_run:
        progress("done", total, total)
        return report
    progress("write", 0, total)
    stock_errors: list[dict] = []
    try:
        with transaction.atomic():
            stock_changed = _write_file(
                data, filename, file_format, bad_lines, actor, set_stock, progress, total, stock_errors
            )
            if stock_errors:
                raise _StockRefused
            report.stock_rows = stock_changed
            _audit(report, actor, filename, file_format, ip_address)
    except _StockRefused:
        # Stock is checked against what orders hold only when it is written: the whole file is
        # refused (rolled back), each such SKU reported on its line.
        report.errors = sorted(report.errors + stock_errors, key=lambda e: (e["line"], e["column"]))
        report.refused = True
        raise ImportRefused(report) from None
    except IntegrityError:
        # Someone created one of these SKUs or slugs meanwhile: nothing of this file was written.
        raise _conflict() from None
    progress("done", total, total)
    return report


class _StockRefused(Exception):
    """Some stock figures were below what orders hold: the file's transaction rolls back."""


def _conflict() -> DomainError:
    return DomainError(MESSAGES["import_conflict"], code="import_conflict", status=409)


def _write_file(
    data: bytes,
    filename: str,
    file_format: str,
    bad_lines: set[int],
    actor,
    set_stock: Callable[..., int] | None,
    progress: Progress,
    total: int,
    stock_errors: list[dict],
) -> int:
    """The second pass (inside the caller's transaction): each chunk planned against what the
    database holds now (earlier chunks included) and written; returns how many SKUs' stock changed.
    A row that the first pass found good and this one finds bad means someone changed the
    catalogue in between: the whole file is refused as a conflict."""
    file_format, table = open_product_file(data, filename, file_format)
    book = _Book(writing=True)
    now = clock.now()
    actor_label = actor.get_username() if actor is not None and getattr(actor, "is_authenticated", False) else "system"
    stock_changed = done = 0
    for chunk in parsed_chunks(file_format, table, table.rows):
        chunk_errors = list(chunk.errors)
        plan = _plan(chunk.rows, file_format, chunk_errors, book)
        if any(e.line not in bad_lines for e in chunk_errors):
            raise _conflict()
        lines = {r.line for r in chunk.rows} | {e.line for e in chunk_errors}
        plan.drop_lines(bad_lines & lines)
        plan.write(book, actor_label, now)
        if set_stock and plan.stock:
            try:
                with transaction.atomic():
                    stock_changed += set_stock(plan.stock, filename=filename) or 0
            except DomainError as exc:
                if exc.code != "stock_below_reserved":
                    raise
                stock_errors.extend(_stock_errors(exc, plan, file_format))
        done += len(chunk.rows) + len(chunk_errors)
        progress("write", min(total, done), total)
    return stock_changed


STOCK_COLUMNS = {pf.NATIVE: "stock", pf.SHOPIFY: "Variant Inventory Qty", pf.WOOCOMMERCE: "Stock"}


def _stock_errors(exc: DomainError, plan, file_format: str) -> list[dict]:
    errors = []
    for refused in exc.extra.get("refused", []):
        sku = refused["sku"]
        errors.append(
            {
                "line": plan.stock_lines.get(sku, 0),
                "column": STOCK_COLUMNS.get(file_format, "stock"),
                "code": "stock_below_reserved",
                "reason": refused["detail"],
                "value": str(refused["target"]),
            }
        )
    return sorted(errors, key=lambda e: e["line"])


def _audit(report: ImportReport, actor, filename: str, file_format: str, ip_address: str | None) -> None:
    if not report.changed and not report.stock_rows:
        return
    record_audit(
        actor=actor,
        action="product.imported",
        object_type="catalog.import",
        object_repr=(filename or "")[:200],
        ip_address=ip_address,
        changes={
            "format": (None, file_format),
            "products_created": (None, report.products_created),
            "products_updated": (None, report.products_updated),
            "variants_created": (None, report.variants_created),
            "variants_updated": (None, report.variants_updated),
            "rows_skipped": (None, report.rows_skipped),
        },
    )


@dataclass
class _Book:
    """What planning remembers from one chunk to the next, per product (compact): the products
    this import creates (by handle), so that a product whose rows are split over chunks is
    created once and its later SKUs join it."""

    writing: bool  # the second pass: earlier chunks are in the database
    created: dict[str, int] = field(default_factory=dict)  # handle -> id of the product this import created
    created_ids: set[int] = field(default_factory=set)
    planned: dict[str, int | None] = field(default_factory=dict)  # first pass: new handle -> its category id
    updated: set[int] = field(default_factory=set)  # existing products this import changes
    positions: dict[str, int] = field(default_factory=dict)  # handle of a new product -> its SKU rows so far


class _Plan:
    def __init__(self):
        self.new_products: list[tuple[_Group, Product | None]] = []  # None in the first pass
        self.product_updates: dict[int, dict] = {}  # product id -> field -> new value
        self.tag_updates: dict[int, tuple[str, ...]] = {}
        self.new_variants: list[tuple[_Group | int, Variant | None, int]] = []  # (group or product id, variant, line)
        self.variant_updates: list[tuple[dict, dict, int]] = []  # (existing row, changes, line)
        self.unchanged = 0
        self.stock: dict[str, int] = {}
        self.stock_lines: dict[str, int] = {}
        self.new_categories: dict[str, Category] = {}
        self.lines_of_product: dict[int, set[int]] = {}  # existing product id -> its lines in the file

    def drop_lines(self, lines: set[int]) -> None:
        self.new_variants = [nv for nv in self.new_variants if nv[2] not in lines]
        self.variant_updates = [vu for vu in self.variant_updates if vu[2] not in lines]
        live_groups = {id(nv[0]) for nv in self.new_variants if isinstance(nv[0], _Group)}
        self.new_products = [(g, p) for g, p in self.new_products if id(g) in live_groups]
        self.stock = {sku: q for sku, q in self.stock.items() if self.stock_lines[sku] not in lines}
        for product_id, product_lines in self.lines_of_product.items():
            if product_lines <= lines:  # every row of this product was bad: leave the product alone
                self.product_updates.pop(product_id, None)
                self.tag_updates.pop(product_id, None)

    def count(self, report: ImportReport, book: "_Book") -> None:
        """Add this chunk's figures to the report (an existing product changed in several chunks counts once)."""
        report.products_created += len(self.new_products)
        changed = (set(self.product_updates) | set(self.tag_updates)) - book.updated
        book.updated |= changed
        report.products_updated += len(changed)
        report.variants_created += len(self.new_variants)
        report.variants_updated += len(self.variant_updates)
        report.variants_unchanged += self.unchanged

    def write(self, book: "_Book", actor_label: str, now) -> None:
        for category in self.new_categories.values():
            category.save()
        for _group, product in self.new_products:
            product.category = product.category  # re-read the (now saved) category's id
        surviving: dict[int, list[Variant]] = {}
        for owner, variant, _line in self.new_variants:
            if isinstance(owner, _Group):
                surviving.setdefault(id(owner), []).append(variant)
        for group, product in self.new_products:
            _derive(product, group, surviving.get(id(group), []))
        created = [p for _g, p in self.new_products]
        if created:
            _insert_rows(Product, created)
            ids = ids_by(Product, "slug", [p.slug for p in created])
            for group, product in self.new_products:
                product.pk = ids[product.slug]
                book.created[group.handle] = product.pk
                book.created_ids.add(product.pk)
        variants = []
        touched = set(self.product_updates) | {row["product_id"] for row, _c, _l in self.variant_updates}
        for owner, variant, _line in self.new_variants:
            if isinstance(owner, int):
                variant.product_id = owner
                touched.add(owner)
            else:
                variant.product_id = owner.fields["_product"].pk
            variants.append(variant)
        if variants:
            _insert_rows(Variant, variants)
        self._write_tags(created)
        self._write_variant_updates(actor_label, now)
        self._write_product_updates()
        _refresh_derived(touched | set(self.tag_updates))

    def _write_tags(self, created: list[Product]) -> None:
        names = {t for g, _p in self.new_products for t in g.fields.get("tags", ())}
        names |= {t for tags in self.tag_updates.values() for t in tags}
        if not names:
            return
        clean = {n: clean_text(n)[:50] for n in names}
        existing = {t.name: t for t in Tag.objects.filter(name__in=set(clean.values()))}
        taken_slugs = set(Tag.objects.values_list("slug", flat=True))
        missing = []
        for name in sorted(set(clean.values()) - set(existing)):
            if not name:
                continue
            slug = first_free_slug(make_slug(name, fallback_prefix="t"), taken_slugs.__contains__)
            taken_slugs.add(slug)
            missing.append(Tag(name=name, slug=slug))
        Tag.objects.bulk_create(missing)
        existing.update({t.name: t for t in Tag.objects.filter(name__in=[t.name for t in missing])})
        through = Product.tags.through
        links = set()
        for group, product in self.new_products:
            for name in group.fields.get("tags", ()):
                tag = existing.get(clean[name])
                if tag is not None:
                    links.add((product.pk, tag.pk))
        # The products are new, so their links are too: plain (product, tag) pairs, no model per link.
        table, quote = through._meta.db_table, connection.ops.quote_name
        product_column = quote(through._meta.get_field("product").column)
        tag_column = quote(through._meta.get_field("tag").column)
        with connection.cursor() as cursor:
            for chunk in _chunks(sorted(links), 5000):
                cursor.executemany(
                    f"INSERT INTO {quote(table)} ({product_column}, {tag_column}) VALUES (%s, %s)", chunk
                )
        for product_id, tags in self.tag_updates.items():
            Product.objects.get(pk=product_id).tags.set([existing[clean[n]] for n in tags if clean[n] in existing])

    def _write_variant_updates(self, actor_label: str, now) -> None:
        if not self.variant_updates:
            return
        by_fields: dict[tuple, list[Variant]] = {}
        history = []
        for row, changes, _line in self.variant_updates:
            variant = Variant(id=row["id"], product_id=row["product_id"], sku=row["sku"])
            for name, value in changes.items():
                setattr(variant, name, value)
                if name in VARIANT_PRICE_FIELDS:
                    history.append(
                        PriceHistory(
                            variant_id=row["id"],
                            kind=name,
                            old_amount=row[name],
                            new_amount=value,
                            actor_label=actor_label,
                            source="import",
                            created_at=now,
                        )
                    )
            by_fields.setdefault(tuple(sorted(changes)), []).append(variant)
        for names, variants in by_fields.items():
            for chunk in _chunks(variants, 1000):
                Variant.objects.bulk_update(chunk, list(names))
        for chunk in _chunks(history):
            PriceHistory.objects.bulk_create(chunk)

    def _write_product_updates(self) -> None:
        by_fields: dict[tuple, list[Product]] = {}
        for product_id, changes in self.product_updates.items():
            product = Product(id=product_id)
            for name, value in changes.items():
                setattr(product, name, value)
            by_fields.setdefault(tuple(sorted(changes)), []).append(product)
        for names, products in by_fields.items():
            fields = [("category" if n == "category" else n) for n in names]
            for chunk in _chunks(products, 1000):
                Product.objects.bulk_update(chunk, fields)
        if self.product_updates:
            Product.objects.filter(pk__in=list(self.product_updates)).update(updated_at=clock.now())


_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.DecimalField,
    models.ForeignKey,
    models.BooleanField,
)


def _insert_rows(model, objects: list) -> None:
    """New rows as one executemany INSERT. Django's bulk_create spends most of an import's time
    preparing values field by field; text, numbers, booleans and foreign keys go to the driver as
    they are (Decimal is adapted by the driver), JSON is dumped once per distinct value, the
    auto_now / auto_now_add times are one time for the whole INSERT, and anything else (other
    dates, fields other apps add later) is prepared by its field, once per distinct value, so
    the INSERT stays complete and correct. The table's constraints still apply: a negative price
    or a taken SKU fails the file's transaction. The caller finds new ids by a unique key where
    it needs them."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    plain = [f for f in fields if isinstance(f, _PLAIN)]
    others = [f for f in fields if not isinstance(f, _PLAIN)]
    now = clock.now()
    getters: list[Callable] = []
    for f in others:
        if isinstance(f, models.JSONField):
            getters.append(_json_getter(f.attname))
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            getters.append(_constant(f.get_db_prep_save(now, connection)))
        else:
            getters.append(_prepared_getter(f))
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in (*plain, *others))
    placeholders = ", ".join(["%s"] * (len(plain) + len(others)))
    read_plain = attrgetter(*(f.attname for f in plain)) if len(plain) > 1 else None
    if read_plain is not None:
        rows = [read_plain(obj) + tuple(get(obj) for get in getters) for obj in objects]
    else:
        getters = [attrgetter(f.attname) for f in plain] + getters
        rows = [tuple(get(obj) for get in getters) for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _constant(value) -> Callable:
    return lambda _obj: value


def _json_getter(name: str) -> Callable:
    """A JSON column's text; a flat dict of texts (options, attributes) is dumped once per distinct value."""
    dumped: dict[tuple, str] = {}

    def get(obj) -> str:
        value = getattr(obj, name)
        if type(value) is dict and all(type(k) is str and type(v) is str for k, v in value.items()):
            key = tuple(value.items())
            text = dumped.get(key)
            if text is None:
                text = dumped[key] = json.dumps(value)
            return text
        return json.dumps(value)

    return get


def _prepared_getter(f) -> Callable:
    """A column prepared by its field, once per distinct (hashable) value."""
    prepared: dict = {}

    def get(obj):
        value = f.pre_save(obj, True)
        try:
            return prepared[value]
        except KeyError:
            result = prepared[value] = f.get_db_prep_save(value, connection)
            return result
        except TypeError:  # not hashable
            return f.get_db_prep_save(value, connection)

    return get


def _derive(product: Product, group: _Group, variants: list[Variant]) -> None:
    """min_price (the lowest selling price) and search document of a new product, from the SKUs that are written."""
    category = product.category
    product.min_price = min((v.selling_price for v in variants), default=Decimal("0"))
    product.search_document = _search_document(
        product.name,
        product.name_en,
        product.brand,
        " ".join(group.fields.get("tags", ())),
        " ".join(v.sku for v in variants),
        category.name if category else "",
        category.name_en if category else "",
        plain_text(product.description)[:500],
        plain_text(product.description_en)[:500],
    )
    product.search_title = _search_document(
        product.name,
        product.name_en,
        product.brand,
        category.name if category else "",
        category.name_en if category else "",
    )


@lru_cache(maxsize=4096)
def _short_part_tokens(part: str) -> str:
    return build_search_document(part).strip()


def _part_tokens(part: str) -> str:
    """A part's tokens; short parts (names, brands, categories, tags) are remembered, long ones
    (descriptions, unique to a product) are not, so the cache stays small."""
    return _short_part_tokens(part) if len(part) <= 120 else build_search_document(part).strip()


def _search_document(*parts: str) -> str:
    """build_search_document(*parts), each part's tokens cut once per import: a document is its
    parts' tokens in order, and the brand, the category and the name recur across products and
    between a product's document and its title."""
    return " " + " ".join(t for t in (_part_tokens(p) for p in parts if p) if t) + " "


def _refresh_derived(product_ids: set[int]) -> None:
    """min_price and the search document of products whose variants or texts changed."""
    from .services import refresh_derived_fields  # the one definition of the derived fields

    for chunk in _chunks(sorted(product_ids), 500):
        for product in Product.objects.filter(pk__in=chunk).select_related("category"):
            refresh_derived_fields(product)


def _plan(rows: list[pf.ProductRow], file_format: str, errors: list[pf.RowError], book: _Book) -> _Plan:
    """The plan of one chunk of rows (a product's rows are in one chunk unless the file splits
    them): what to create, what to change, and the rows that are bad (added to `errors`)."""
    plan = _Plan()
    existing = _load_existing_variants([r.sku for r in rows])
    groups: dict[str, _Group] = {}
    for row in rows:
        groups.setdefault(row.handle, _Group(handle=row.handle, rows=[])).rows.append(row)
    valid_handles = {h for h in groups if is_valid_slug(h)}
    by_slug = _load_products_by_slug(list(valid_handles))
    categories = _category_index()
    shop_margin, category_margins = _margin_rules()
    slug_lookup = _SlugLookup(by_slug, valid_handles)
    sku_column = {pf.NATIVE: "sku", pf.SHOPIFY: "Variant SKU", pf.WOOCOMMERCE: "SKU"}[file_format]
    price_column = {pf.NATIVE: "price", pf.SHOPIFY: "Variant Price", pf.WOOCOMMERCE: "Regular price"}[file_format]
    name_column = {pf.NATIVE: "name", pf.SHOPIFY: "Title", pf.WOOCOMMERCE: "Name"}[file_format]
    created_here = {book.created[h] for h in groups if h in book.created}
    existing_products = _load_products(
        {v["product_id"] for v in existing.values()} | set(by_slug.values()) | created_here
    )
    for group in groups.values():
        group.fields = _group_fields(group.rows)
        owners = [existing[r.sku.casefold()]["product_id"] for r in group.rows if r.sku.casefold() in existing]
        if file_format == pf.WOOCOMMERCE:  # no handle in the file: the SKUs say which product it is
            group.product_id = owners[0] if owners else book.created.get(group.handle)
        else:  # the handle is the product's slug (or a product this import created from it)
            group.product_id = book.created.get(group.handle, by_slug.get(group.handle))
            if group.product_id in book.created_ids and book.created.get(group.handle) != group.product_id:
                group.product_id = None  # a slug this import gave another new product: not this one
        continuing = group.product_id is None and group.handle in book.planned
        for r in group.rows:
            row = existing.get(r.sku.casefold())
            if row and row["product_id"] != group.product_id:
                errors.append(pf.RowError(r.line, sku_column, "sku_other_product", r.sku))
        category = _resolve_category(group.fields.get("category", ""), categories, plan)
        if continuing:  # first pass: more SKUs of a new product planned in an earlier chunk
            category_id = book.planned[group.handle]
        elif group.product_id is None:
            if not group.fields.get("name"):
                errors.append(pf.RowError(group.rows[0].line, name_column, "required"))
                continue
            # the first pass only counts and checks: the product is built when it is written
            product = _new_product(group, file_format, category, slug_lookup) if book.writing else None
            group.fields["_product"] = product
            plan.new_products.append((group, product))
            category_id = category.pk if category is not None else None
            if not book.writing:
                book.planned[group.handle] = category_id
        else:
            if group.product_id not in book.created_ids:
                _plan_product_update(plan, existing_products.get(group.product_id), group.fields, category)
                plan.lines_of_product[group.product_id] = {r.line for r in group.rows}
            category_id = (
                category.pk
                if category is not None and group.product_id not in book.created_ids
                else existing_products.get(group.product_id, {}).get("category_id")
            )
        margin = resolve_margin_percent(shop_margin, category_margins, category_id)
        owner: _Group | int = -1 if continuing else group if group.product_id is None else group.product_id
        first_position = 0
        if continuing or group.product_id is None or group.product_id in book.created_ids:
            first_position = book.positions.get(group.handle, 0)  # after its SKUs in earlier chunks
            book.positions[group.handle] = first_position + len(group.rows)
        for position, r in enumerate(group.rows, start=first_position):
            current = existing.get(r.sku.casefold())
            if r.stock is not None:
                plan.stock[current["sku"] if current else r.sku] = r.stock
                plan.stock_lines[current["sku"] if current else r.sku] = r.line
            if current is None:
                if _below_floor(r.cost_price or Decimal("0"), margin, [r.price, r.sale_price, r.member_price]):
                    errors.append(pf.RowError(r.line, price_column, "below_floor", str(r.price)))
                    continue
                variant = _new_variant(r, position=position) if book.writing else None
                plan.new_variants.append((owner, variant, r.line))
                continue
            if current["product_id"] != group.product_id:
                continue  # reported above as sku_other_product
            changes = _variant_changes(current, r)
            cost = changes.get("cost_price", current["cost_price"])
            changed_prices = [changes[k] for k in ("price", "sale_price", "member_price") if k in changes]
            if _below_floor(cost, margin, changed_prices):
                errors.append(pf.RowError(r.line, price_column, "below_floor", str(changes.get("price", ""))))
                continue
            if changes:
                plan.variant_updates.append((current, changes, r.line))
            else:
                plan.unchanged += 1
    return plan


class _SlugLookup:
    """Free slugs for new products; the file's handles were looked up in one go beforehand."""

    def __init__(self, known: dict[str, int], checked: set[str]):
        self.known = known  # handle -> product id, for the handles that exist
        self.checked = checked  # every handle looked up
        self.taken: set[str] = set()

    def free(self, base: str) -> str:
        def is_taken(slug):
            if slug in self.taken or slug in self.known:
                return True
            return slug not in self.checked and Product.objects.filter(slug=slug).exists()

        slug = first_free_slug(base, is_taken)
        self.taken.add(slug)
        return slug


def _load_products(ids: set[int]) -> dict[int, dict]:
    found = {}
    columns = ("id", "category_id", "attributes", *PRODUCT_FIELDS)
    ids_list = sorted(ids)
    for row in _where_in(Product.objects.values(*columns), "id", ids_list):
        found[row["id"]] = row
    tags: dict[int, list[str]] = {}
    links = Product.tags.through.objects.values_list("product_id", "tag__name")
    for product_id, name in _where_in(links, "product_id", ids_list):
        tags.setdefault(product_id, []).append(name)
    for product_id, row in found.items():
        row["tags"] = tuple(sorted(tags.get(product_id, [])))
    return found


def _margin_rules() -> tuple[Decimal | None, dict[int, Decimal]]:
    shop, per_category = None, {}
    for rule in MarginRule.objects.all():
        if rule.category_id is None:
            shop = rule.min_margin_percent
        else:
            per_category[rule.category_id] = rule.min_margin_percent
    return shop, per_category


def _below_floor(cost, margin, prices) -> bool:
    floor = calculate_floor(cost, margin)
    return floor is not None and any(p is not None and p < floor for p in prices)


def _resolve_category(value: str, categories: dict[str, Category], plan: _Plan) -> Category | None:
    if not value:
        return None
    key = value.casefold()
    if key in categories:
        return categories[key]
    if key not in plan.new_categories:
        name = clean_text(value)[:100]
        taken = {c.slug for c in categories.values()} | {c.slug for c in plan.new_categories.values()}
        slug = first_free_slug(
            make_slug(name, fallback_prefix="c"), lambda s: s in taken or Category.objects.filter(slug=s).exists()
        )
        plan.new_categories[key] = Category(name=name, slug=slug)
    return plan.new_categories[key]


_NEEDS_CLEANING = re.compile(r"[<>&\"']|\s\s|(?! )\s")


def _clean(value: str) -> str:
    """clean_text, skipping the HTML cleaner for the common value that has nothing to clean."""
    if _NEEDS_CLEANING.search(value):
        return clean_text(value)
    return value.strip()


def _clean_mapping(mapping: dict, key_length: int, value_length: int) -> dict[str, str]:
    """Option or attribute names and values as stored (plain text, cut to length); a file repeats
    the same few option lists on every row, so each distinct list is cleaned once."""
    return dict(_clean_pairs(tuple(mapping.items()), key_length, value_length))


@lru_cache(maxsize=4096)
def _clean_pairs(pairs: tuple, key_length: int, value_length: int) -> tuple[tuple[str, str], ...]:
    return tuple((_clean(str(k))[:key_length], _clean(str(v))[:value_length]) for k, v in pairs)


def _text(name: str, value: str) -> str:
    if name in ("description", "description_en"):
        return sanitize_html(value)
    if name == "status":
        return value
    return _clean(value)[: TEXT_LIMITS.get(name, 200)]


_DRAFT, _LISTED = Product.Status.DRAFT, Product.Status.LISTED  # an enum member read per row is slow


def _new_product(group: _Group, file_format: str, category: Category | None, slugs: _SlugLookup) -> Product:
    f = group.fields
    name, name_en = _text("name", f.get("name", "")), _text("name_en", f.get("name_en", ""))
    handle = group.handle if file_format != pf.WOOCOMMERCE and is_valid_slug(group.handle) else ""
    slug = slugs.free(handle or make_slug(name, name_en))
    status = f.get("status") or _DRAFT
    description, description_en = (
        _text("description", f.get("description", "")),
        _text("description_en", f.get("description_en", "")),
    )
    brand = _text("brand", f.get("brand", ""))
    product = _blank(Product)(
        name=name,
        name_en=name_en,
        slug=slug,
        description=description,
        description_en=description_en,
        brand=brand,
        status=status,
        seo_title=_text("seo_title", f.get("seo_title", "")),
        seo_description=_text("seo_description", f.get("seo_description", "")),
        listed_at=clock.now() if status == _LISTED else None,
        attributes=_clean_mapping(f.get("attributes", {}), 30, 100),
    )
    product.category = category
    return product


def _plan_product_update(plan: _Plan, current: dict | None, fields: dict, category: Category | None) -> None:
    if current is None:
        return
    changes = {}
    for name in PRODUCT_FIELDS:
        if name in fields:
            value = _text(name, fields[name])
            if value and value != current[name]:
                changes[name] = value
    if fields.get("attributes"):
        attributes = _clean_mapping(fields["attributes"], 30, 100)
        if attributes != (current["attributes"] or {}):
            changes["attributes"] = attributes
    if category is not None and (category.pk is None or category.pk != current["category_id"]):
        changes["category"] = category
    if "status" in changes and changes["status"] == Product.Status.LISTED:
        changes["listed_at"] = clock.now()
    if changes:
        plan.product_updates[current["id"]] = changes
    if "tags" in fields:
        tags = tuple(sorted({clean_text(t)[:50] for t in fields["tags"]} - {""}))
        if tags != current["tags"]:
            plan.tag_updates[current["id"]] = tags


class _Blank:
    """New, unsaved instances of a model for rows this import only inserts (by `_insert_rows`):
    the defaults of a model built once, copied per row (callable defaults called per row), so
    100,000 SKUs do not each go through Model.__init__ (no app listens to pre/post_init)."""

    def __init__(self, model):
        self.model = model
        self.base = {k: v for k, v in model().__dict__.items() if k != "_state"}
        self.fresh = [f for f in model._meta.concrete_fields if f.has_default() and callable(f.default)]

    def __call__(self, **values):
        obj = self.model.__new__(self.model)
        obj.__dict__.update(self.base)
        for f in self.fresh:
            if f.attname not in values:
                obj.__dict__[f.attname] = f.default()
        obj.__dict__.update(values)
        obj._state = ModelState()
        return obj


@cache
def _blank(model) -> _Blank:
    return _Blank(model)


def _new_variant(r: pf.ProductRow, position: int) -> Variant:
    return _blank(Variant)(
        sku=_clean(r.sku)[:64],
        price=r.price,
        sale_price=r.sale_price,
        member_price=r.member_price,
        compare_at_price=r.compare_at_price,
        cost_price=r.cost_price or Decimal("0"),
        weight_grams=r.weight_grams or 0,
        barcode=_clean(r.barcode)[:32],
        options=_clean_mapping(r.options, 30, 50),
        position=position,
    )


def _variant_changes(current: dict, r: pf.ProductRow) -> dict:
    changes = {}
    if r.price != current["price"]:
        changes["price"] = r.price
    for name in ("sale_price", "member_price", "compare_at_price", "cost_price"):
        value = getattr(r, name)
        if value is not None and value != current[name]:
            changes[name] = value
    if r.weight_grams is not None and r.weight_grams != current["weight_grams"]:
        changes["weight_grams"] = r.weight_grams
    barcode = _clean(r.barcode)[:32]
    if barcode and barcode != current["barcode"]:
        changes["barcode"] = barcode
    options = _clean_mapping(r.options, 30, 50)
    if options and options != (current["options"] or {}):
        changes["options"] = options
    return changes


def import_summary_text(report: ImportReport) -> str:
    return _(
        "新建商品 %(pc)d 个，更新商品 %(pu)d 个；新建 SKU %(vc)d 个，更新 SKU %(vu)d 个，未变 %(vn)d 个；跳过 %(skip)d 行。"
    ) % {
        "pc": report.products_created,
        "pu": report.products_updated,
        "vc": report.variants_created,
        "vu": report.variants_updated,
        "vn": report.variants_unchanged,
        "skip": report.rows_skipped,
    }


# --- jobs from the console ----------------------------------------------------------------------------


def create_import_job(
    *,
    actor,
    filename: str,
    data: bytes,
    file_format: str = "auto",
    skip_bad_rows: bool = False,
    dry_run: bool = False,
    schedule: Callable[[int], None] | None = None,
) -> ImportJob:
    """Store the uploaded file and queue its import (`schedule(job_id)` runs after commit)."""
    from django.core.files.base import ContentFile

    if file_format not in ("auto", *pf.FORMATS):
        raise _file_error("format_invalid")
    check_spreadsheet(data, IMPORT_LIMITS)  # a zip bomb is refused now, not in the worker
    with transaction.atomic():
        job = ImportJob(
            filename=clean_text(filename)[:200] or "products.csv",
            file_format=file_format,
            skip_bad_rows=skip_bad_rows,
            dry_run=dry_run,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        job.file.save(
            f"{clock.now():%Y%m%d%H%M%S}-{make_slug(job.filename, fallback_prefix='f')[:40]}",
            ContentFile(data),
            save=False,
        )
        job.save()
        if schedule is not None:
            transaction.on_commit(lambda: schedule(job.pk))
    return job


class ImportCancelled(Exception):
    """Someone cancelled the job while it ran: it stops at its next progress report."""


def cancel_import_job(*, job: ImportJob, actor, ip_address: str | None = None) -> ImportJob:
    """Cancel a queued or running import. A queued job never starts; a running one stops at its
    next progress report (every 2,000 rows) and writes nothing (its transaction rolls back).
    A job that already finished cannot be cancelled (409 `job_finished`)."""
    cancellable = (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
    changed = ImportJob.objects.filter(pk=job.pk, state__in=cancellable).update(
        state=ImportJob.State.CANCELLED, finished_at=clock.now()
    )
    job.refresh_from_db()
    if changed != 1:
        raise DomainError(MESSAGES["job_finished"], code="job_finished", status=409, state=job.state)
    record_audit(
        actor=actor,
        action="product.import_cancelled",
        object_type="catalog.importjob",
        object_id=str(job.pk),
        object_repr=job.filename[:200],
        ip_address=ip_address,
    )
    return job


def requeue_import_job(job_id: int) -> bool:
    """A running job whose worker stopped goes back to the queue (True if it was running)."""
    return (
        ImportJob.objects.filter(pk=job_id, state=ImportJob.State.RUNNING).update(
            state=ImportJob.State.QUEUED, processed_rows=0, summary={}
        )
        == 1
    )


def _is_cancelled(job_id: int) -> bool:
    return ImportJob.objects.filter(pk=job_id, state=ImportJob.State.CANCELLED).exists()


def run_import_job(job_id: int, *, stock_setter=None) -> ImportJob:
    """Run a queued job (safe to run twice: only a queued job starts; a cancelled one never does)."""
    if ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(state=ImportJob.State.RUNNING) != 1:
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)

    def progress(phase: str, done: int, total: int) -> None:
        if _is_cancelled(job_id):
            raise ImportCancelled
        # Rows written inside the file's transaction are not visible to the page until commit, so
        # the page shows checking progress, then "writing" with a full bar.
        running = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.RUNNING)
        if phase == "write":
            if done == 0:
                running.update(processed_rows=total, total_rows=total, summary={"phase": "write"})
            return
        if not total:  # still reading the file: its number of rows is not known yet
            running.update(processed_rows=0, summary={"phase": phase, "read_rows": done})
            return
        running.update(processed_rows=done, total_rows=total, summary={"phase": phase})

    state, summary, errors = ImportJob.State.DONE, {}, []
    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        report = import_products(
            data=data,
            filename=job.filename,
            file_format=job.file_format,
            dry_run=job.dry_run,
            skip_bad_rows=job.skip_bad_rows,
            actor=job.created_by,
            progress=progress,
            set_stock=stock_setter(job.created_by) if stock_setter and _may_set_stock(job.created_by) else None,
        )
        summary, errors = report.as_dict(), report.errors
    except ImportRefused as exc:
        state, summary, errors = ImportJob.State.REFUSED, exc.report.as_dict(), exc.report.errors
    except DomainError as exc:
        state, summary = (
            ImportJob.State.FAILED,
            {
                "detail": str(exc.detail),
                "code": exc.code,
                **{k: v for k, v in exc.extra.items() if k in ("limit", "line")},
            },
        )
    except ImportCancelled:
        job.refresh_from_db()
        return job  # cancel_import_job set the state; the file's transaction rolled back
    summary.pop("errors", None)
    ImportJob.objects.filter(pk=job_id).update(state=state, summary=summary, errors=errors, finished_at=clock.now())
    job.refresh_from_db()
    return job


def _may_set_stock(user) -> bool:
    """Stock columns count only for someone who may change stock (the command runs as the system)."""
    from dianpu.accounts.domain.roles import ADJUST_STOCK

    return user is None or user.has_perm(ADJUST_STOCK)


def list_job_errors(job: ImportJob, limit: int | None = None) -> list[dict]:
    """A job's row errors with their reasons in the reader's language (the job may have run in
    the worker under another one); reasons with details of their own are kept as written."""
    rows = job.errors if limit is None else job.errors[:limit]
    return [{**e, "reason": row_error_text(e["code"])} if e.get("code") in ROW_ERRORS else e for e in rows]


def list_job_warnings(job: ImportJob, limit: int | None = None) -> list[dict]:
    """A job's warnings (rows left out on purpose, values not kept), in the reader's language."""
    rows = (job.summary or {}).get("warnings") or []
    rows = rows if limit is None else rows[:limit]
    return [{**w, "reason": row_error_text(w["code"])} if w.get("code") in ROW_ERRORS else w for w in rows]


def error_report_rows(job: ImportJob):
    """The error report of a job, as rows for a CSV (line, column, reason, value)."""
    yield [str(_("行")), str(_("列")), str(_("原因")), str(_("值"))]
    for e in job.errors:
        yield [e["line"], e["column"], row_error_text(e["code"]), e.get("value", "")]
