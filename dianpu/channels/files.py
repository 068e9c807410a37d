"""File-based channels (Taobao/Tmall, JD, Pinduoduo): their seller centres' files in and out.

- listings in: the platform's goods export (one row per SKU), mapped to ours by 商家编码 (SKU);
- stock out: the stock update file with each mapped SKU's figure (available − buffer, × share);
- orders in: the platform's order export, placed like every channel order (services.import_channel_orders,
  all or nothing, the same order twice is skipped) and marked with the channel;
- shipping out: our tracking numbers in the platform's batch shipping file.

CSV files are read as UTF-8 or GBK (GB18030) and written in GBK, as the seller centres expect;
XLSX both ways. A file missing a column the platform's format needs is refused naming it.
"""

from dataclasses import dataclass

from django.db import transaction

from dianpu.audit.services import record_audit
from dianpu.catalog.queries import get_variants_by_sku
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.core.tables import Column, Table, to_csv, to_xlsx
from dianpu.fulfillment.carriers import get_carrier
from dianpu.orders.models import Order

from . import services
from .connectors import jd, pdd, seller_centre, taobao
from .connectors.base import ImportProblem
from .domain.stock import channel_quantity
from .messages import MESSAGES
from .models import Channel, ChannelListing
from .queries import get_channel_available

CENTRES = {c.code: c for c in (taobao.CENTRE, jd.CENTRE, pdd.CENTRE)}
FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_ROWS = 50_000


@dataclass(frozen=True)
class ListingImport:
    mapped: int
    unmapped: int
    rows: int


def centre_of(channel: Channel) -> seller_centre.SellerCentre:
    centre = CENTRES.get(channel.kind)
    if centre is None:
        raise DomainError(MESSAGES["channel_not_file_based"], code="channel_not_file_based", status=409)
    return centre


def import_listings(*, channel: Channel, content: bytes, filename: str, actor, ip_address=None) -> ListingImport:
    centre = centre_of(channel)
    rows = services.read_rows(content, filename)
    if not rows:
        raise services.ImportRefused([ImportProblem(0, "", "listing_file_empty")])
    found, problems = seller_centre.read_listings(rows, centre)
    if problems:
        raise services.ImportRefused(problems)
    variants = get_variants_by_sku(sorted({f.sku for f in found if f.sku}))
    with transaction.atomic():
        for f in found:
            variant = variants.get(f.sku)
            ChannelListing.objects.update_or_create(
                channel=channel,
                external_variant_id=f.sku_id,
                defaults={
                    "variant": variant,
                    "external_sku": f.sku,
                    "external_product_id": f.product_id,
                    "title": f.title,
                },
            )
        Channel.objects.filter(pk=channel.pk).update(last_synced_at=clock.now())
        mapped = sum(1 for f in found if f.sku in variants)
        record_audit(
            actor=actor,
            action="channel.listings_imported",
            obj=channel,
            object_repr=filename[:200],
            ip_address=ip_address,
            changes={"mapped": ("", str(mapped)), "unmapped": ("", str(len(found) - mapped))},
        )
    return ListingImport(mapped=mapped, unmapped=len(found) - mapped, rows=len(rows))


def _file(table: Table, fmt: str) -> bytes:
    if fmt == "xlsx":
        return to_xlsx(table)
    if fmt != "csv":
        raise DomainError(MESSAGES["format_unknown"], code="format_unknown", status=422, field="format")
    # the seller centres read GBK: the shared writer's UTF-8 text (cells neutralised) re-encoded
    return to_csv(table).decode("utf-8-sig").encode("gb18030")


def export_stock(*, channel: Channel, fmt: str = "csv", actor=None) -> bytes:
    """The platform's stock update file: every mapped SKU's figure now. What it says is recorded
    as pushed (the operator uploads the file)."""
    centre = centre_of(channel)
    listings = list(
        ChannelListing.objects.filter(channel=channel, variant__isnull=False).order_by("external_sku", "id")[
            :MAX_EXPORT_ROWS
        ]
    )
    available = get_channel_available(channel, [lst.variant_id for lst in listings])
    sku_id, sku, stock = centre.stock_header
    rows, figures = [], {}
    for lst in listings:
        quantity = channel_quantity(
            available.get(lst.variant_id, 0), buffer=channel.stock_buffer, share_percent=channel.stock_share_percent
        )
        figures[lst.pk] = quantity
        rows.append({"sku_id": lst.external_variant_id, "sku": lst.external_sku, "stock": quantity})
    data = _file(
        Table(
            "stock", "库存", [Column("sku_id", sku_id), Column("sku", sku), Column("stock", stock, numeric=True)], rows
        ),
        fmt,
    )
    now = clock.now()
    with transaction.atomic():
        for pk, quantity in figures.items():
            ChannelListing.objects.filter(pk=pk).update(
                pushed_quantity=quantity, pushed_at=now, push_pending=False, push_error=""
            )
        record_audit(
            actor=actor,
            action="channel.stock_exported",
            obj=channel,
            object_repr=channel.name,
            changes={"skus": ("", str(len(rows)))},
        )
    return data


def import_orders(
    *,
    channel: Channel,
    content: bytes,
    filename: str,
    actor,
    shipping_method: str = "standard",
    ip_address=None,
    progress=None,
) -> services.ImportResult:
    centre = centre_of(channel)
    return services.import_channel_orders(
        channel="generic",
        channel_code=channel.order_channel,
        content=content,
        filename=filename,
        actor=actor,
        shipping_method=shipping_method,
        mapping=dict(centre.order_mapping),
        ip_address=ip_address,
        progress=progress,
        prepare=lambda rows: seller_centre.prepare_order_rows(rows, centre),
    )


def export_shipping(*, channel: Channel, fmt: str = "csv", since=None) -> bytes:
    """The platform's batch shipping file: platform order number, carrier, tracking number."""
    centre = centre_of(channel)
    orders = (
        Order.objects.filter(channel=channel.order_channel).exclude(channel_order_number="").exclude(tracking_number="")
    )
    if since is not None:
        orders = orders.filter(shipped_at__gte=since)
    rows = []
    for o in orders.order_by("shipped_at", "id")[:MAX_EXPORT_ROWS]:
        carrier = get_carrier(o.carrier)
        rows.append(
            {
                "number": o.channel_order_number,
                "carrier": carrier.name if carrier else o.carrier,
                "tracking": o.tracking_number,
            }
        )
    number, company, tracking = centre.shipping_header
    return _file(
        Table(
            "shipping",
            "发货",
            [Column("number", number), Column("carrier", company), Column("tracking", tracking)],
            rows,
        ),
        fmt,
    )
