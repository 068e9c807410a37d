"""Importing other platforms' orders into the order pool, and exporting our tracking numbers back.

An import is all or nothing: the file is read and every order checked — order numbers unique in
the file, SKUs known, quantities and amounts valid, address complete, stock available — before one
transaction writes the orders. Orders already imported from this channel (same channel order
number) are skipped and reported, so re-importing a cumulative export is safe. Paid orders hold
stock like web orders (no expiry) and are recorded as paid; unpaid ones hold it until the usual
unpaid timeout. Every order runs through order review like a web order.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dianpu.audit.services import record_audit
from dianpu.catalog.models import Variant
from dianpu.catalog.queries import get_variants_by_sku
from dianpu.core import clock
from dianpu.core.actors import Actor, person_of
from dianpu.core.errors import DomainError
from dianpu.core.uploads import MB, UploadLimits, bounded_rows, check_spreadsheet, check_text_rows, trimmed
from dianpu.customers.services import get_or_create_customer
from dianpu.fulfillment.carriers import get_carrier
from dianpu.fulfillment.queries import get_shipping_method
from dianpu.inventory.services import InsufficientStockError, reserve_stock
from dianpu.orders.models import Order
from dianpu.orders.services import AddressInput, LineInput, create_order, transition_order
from dianpu.shop.queries import get_shop_profile

from .connectors import generic, shopify
from .connectors.base import ChannelOrder, ImportProblem
from .messages import MESSAGES
from .models import ChannelImport, ChannelMapping
from .queries import channel_label, channel_labels  # noqa: F401 (named here for callers: finance, orders' edges)

CHANNELS = ("shopify", "generic")
MAX_ROWS = 20000
UPLOAD_LIMITS = UploadLimits(
    max_bytes=20 * MB, max_unpacked_bytes=100 * MB, max_rows=MAX_ROWS, max_columns=120, max_cell_chars=32_767
)


@dataclass(frozen=True)
class ImportResult:
    created: list[str]  # our order numbers
    skipped: list[str]  # channel order numbers already imported
    rows: int


class ImportRefused(DomainError):
    def __init__(self, problems: list[ImportProblem]):
        lines = [
            {
                "row": p.row,
                "column": p.column,
                "code": p.code,
                "message": str(MESSAGES.get(p.code, p.code)) + (f" ({p.value})" if p.value else ""),
            }
            for p in sorted(problems, key=lambda p: (p.row, p.column))
        ]
        super().__init__(
            str(MESSAGES["import_refused"]) % {"count": len(lines)}, code="import_refused", status=422, lines=lines
        )
        self.lines = lines


def read_rows(content: bytes, filename: str) -> list[dict[str, Any]]:
    """A CSV (UTF-8 or GB18030) or XLSX file as a list of dicts keyed by its header row."""
    check_spreadsheet(content, UPLOAD_LIMITS)  # size, and an XLSX's declared sizes, before reading
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception:  # not a readable workbook: say so rather than fail
            raise ImportRefused([ImportProblem(0, "", "file_unreadable")]) from None
        values = bounded_rows(
            (
                (n, trimmed(row))
                for n, row in enumerate(
                    sheet.iter_rows(values_only=True, max_col=UPLOAD_LIMITS.max_columns + 1), start=1
                )
            ),
            UPLOAD_LIMITS,
        )
        first = next(values, None)
        if first is None:
            return []
        header = [str(h or "").strip() for h in first[1]]
        return [{h: ("" if v is None else v) for h, v in zip(header, row, strict=False)} for _line, row in values]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused([ImportProblem(0, "", "file_unreadable")])
    check_text_rows(text, UPLOAD_LIMITS)
    return shopify.parse_csv(text)


def _check(orders: list[ChannelOrder], variants: dict[str, Variant], problems: list[ImportProblem]) -> None:
    for order in orders:
        for column, value in (
            ("ship_name", order.ship_name),
            ("ship_phone", order.ship_phone),
            ("ship_province", order.ship_province),
            ("ship_city", order.ship_city),
            ("ship_line1", order.ship_line1),
        ):
            if not value:
                problems.append(ImportProblem(order.row, column, "address_incomplete", order.number))
        if "@" not in order.email:
            problems.append(ImportProblem(order.row, "email", "email_invalid", order.email))
        for line in order.lines:
            if line.sku and line.sku not in variants:
                problems.append(ImportProblem(line.row, "sku", "sku_unknown", line.sku))


def import_channel_orders(
    *,
    channel: str,
    content: bytes,
    filename: str,
    actor: Actor,
    shipping_method: str = "standard",
    mapping: dict[str, str] | None = None,
    channel_code: str = "",
    ip_address: str | None = None,
    progress: Callable[[int, int], object] | None = None,
    prepare: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
) -> ImportResult:
    """Read a platform's file and write its new orders, all or nothing (ImportRefused lists every problem).
    `progress(done, total)` is called after each order written (a progress bar on the command line);
    `prepare(rows)` adapts a platform's rows before the mapping reads them (channels.files)."""
    if channel not in CHANNELS:
        raise DomainError(MESSAGES["channel_unknown"], code="channel_unknown", status=422, field="channel")
    code = "shopify" if channel == "shopify" else (channel_code or "other").strip().lower()[:20]
    method = get_shipping_method(shipping_method)
    rows = read_rows(content, filename)
    if prepare is not None:
        rows = prepare(rows)
    if channel == "shopify":
        orders, problems = shopify.read_orders(rows)
    else:
        mapping = mapping or get_saved_mapping(code)
        orders, problems = generic.read_orders(rows, mapping, channel=code)
    if not orders and not problems:
        problems.append(ImportProblem(0, "", "file_empty"))
    variants = get_variants_by_sku(sorted({ln.sku for o in orders for ln in o.lines if ln.sku}))
    _check(orders, variants, problems)
    if problems:
        raise ImportRefused(problems)
    existing = set(
        Order.objects.filter(channel=code, channel_order_number__in=[o.number for o in orders]).values_list(
            "channel_order_number", flat=True
        )
    )
    new = [o for o in orders if o.number not in existing]
    created = []
    writing = None
    try:
        with transaction.atomic():
            for order in new:
                writing = order
                created.append(_write(order, code, method.code, variants, actor).number)
                if progress is not None:
                    progress(len(created), len(new))
            if channel == "generic":
                ChannelMapping.objects.update_or_create(
                    channel=code, defaults={"mapping": mapping, "updated_at": clock.now()}
                )
            ChannelImport.objects.create(
                channel=code,
                filename=filename[:200],
                orders_created=len(created),
                rows=len(rows),
                created_by=person_of(actor),
                created_at=clock.now(),
            )
            record_audit(
                actor=actor,
                action="channel.orders_imported",
                object_type="channels.channelimport",
                object_id=code,
                object_repr=filename[:200],
                ip_address=ip_address,
                changes={
                    "orders": ("", ", ".join(created)[:1000]),
                    "skipped": ("", ", ".join(sorted(existing))[:1000]),
                },
            )
    except IntegrityError:  # the same file imported twice at once: the other import won
        raise DomainError(MESSAGES["import_conflict"], code="import_conflict", status=409) from None
    except InsufficientStockError as exc:
        sku = exc.extra.get("sku", "")
        row = next((ln.row for ln in (writing.lines if writing else []) if ln.sku == sku), 0)
        raise ImportRefused([ImportProblem(row, "sku", "out_of_stock", sku)]) from None
    return ImportResult(created=created, skipped=sorted(existing), rows=len(rows))


def get_saved_mapping(channel_code: str) -> dict[str, str]:
    row = ChannelMapping.objects.filter(channel=channel_code).first()
    return dict(row.mapping) if row is not None else {}


def _write(
    source: ChannelOrder, channel: str, shipping_method: str, variants: dict[str, Variant], actor: Actor
) -> Order:
    customer = get_or_create_customer(email=source.email, name=source.ship_name, phone=source.ship_phone)
    lines = [
        LineInput(
            variant_id=variants[ln.sku].id,
            product_id=variants[ln.sku].product_id,
            sku=ln.sku,
            product_name=ln.name or variants[ln.sku].product.name,
            variant_label=variants[ln.sku].option_label,
            unit_price=ln.unit_price,
            quantity=ln.quantity,
        )
        for ln in source.lines
    ]
    placed_at = source.placed_at
    if placed_at is not None and timezone.is_naive(placed_at):
        placed_at = timezone.make_aware(placed_at)
    order = create_order(
        customer=customer,
        email=source.email.lower(),
        lines=lines,
        address=AddressInput(
            name=source.ship_name,
            phone=source.ship_phone,
            country=source.ship_country,
            province=source.ship_province,
            city=source.ship_city,
            line1=source.ship_line1,
            line2=source.ship_line2,
            postcode=source.ship_postcode,
        ),
        shipping_method=shipping_method,
        payment_method=channel[:30],
        pays_on_delivery=False,
        shipping_total=source.shipping_total,
        discount_total=source.discount_total,
        language="zh-hans",
        channel=channel,
        channel_order_number=source.number,
        billing_province=source.billing_province,
        placed_at=placed_at,
    )
    wanted: dict[int, int] = {}
    for ln in lines:
        wanted[ln.variant_id] = wanted.get(ln.variant_id, 0) + ln.quantity
    expires = None if source.paid else clock.now() + timedelta(hours=get_shop_profile().unpaid_timeout_hours)
    reserve_stock(reference=order.number, wanted=wanted, expires_at=expires, actor=actor)
    if source.paid:
        order = transition_order(
            order=order, action="mark_paid", actor=actor, reason=_("平台已收款：%(number)s") % {"number": source.number}
        )
    return order


def export_tracking_csv(*, channel: str, since: datetime | None = None) -> str:
    """Tracking numbers of this channel's shipped orders, in the platform's fulfillment CSV format."""
    orders = Order.objects.filter(channel=channel).exclude(channel_order_number="").exclude(tracking_number="")
    if since is not None:
        orders = orders.filter(shipped_at__gte=since)
    rows = []
    for o in orders.order_by("shipped_at", "id"):
        carrier = get_carrier(o.carrier)
        rows.append(
            (
                o.channel_order_number,
                o.tracking_number,
                carrier.name_en if carrier else o.carrier,
                carrier.tracking_url(o.tracking_number) if carrier else "",
            )
        )
    return shopify.write_fulfillments(rows)
