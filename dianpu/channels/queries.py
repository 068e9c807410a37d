"""Reads of connected channels: the list, one channel's page (figures, listings, held orders)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from dianpu.core import clock
from dianpu.inventory.queries import get_available_by_variant
from dianpu.orders.models import Order

from .domain.stock import mask_secret
from .models import Channel, ChannelListing, ChannelOrderIntake

MAX_CHANNELS = 200
MAX_LISTINGS = 500
MAX_INTAKES = 200
FIGURE_DAYS = 30


@dataclass(frozen=True)
class ChannelFigures:
    orders: int
    sales: Decimal
    orders_30d: int
    sales_30d: Decimal
    listings: int
    mapped: int
    pending: int
    problems: int


def list_channels():
    return Channel.objects.prefetch_related("warehouses").order_by("name", "id")[:MAX_CHANNELS]


def figures_for(channels) -> dict[int, ChannelFigures]:
    """Orders and sales (not cancelled) in all and in the last 30 days, listings, held orders."""
    ids = [c.pk for c in channels]
    since = clock.now() - timedelta(days=FIGURE_DAYS)
    live = ~Q(status=Order.Status.CANCELLED)
    sales = {
        r["channel"]: r
        for r in Order.objects.filter(live, channel__in=[str(i) for i in ids])
        .values("channel")
        .annotate(
            n=Count("id"),
            total=Sum("grand_total"),
            n30=Count("id", filter=Q(placed_at__gte=since)),
            total30=Sum("grand_total", filter=Q(placed_at__gte=since)),
        )
    }
    listings = {
        r["channel_id"]: r
        for r in ChannelListing.objects.filter(channel_id__in=ids)
        .values("channel_id")
        .annotate(
            n=Count("id"),
            mapped=Count("id", filter=Q(variant__isnull=False)),
            pending=Count("id", filter=Q(push_pending=True, variant__isnull=False)),
        )
    }
    problems = dict(
        ChannelOrderIntake.objects.filter(channel_id__in=ids, state=ChannelOrderIntake.State.PROBLEM)
        .values("channel_id")
        .annotate(n=Count("id"))
        .values_list("channel_id", "n")
    )
    out = {}
    for i in ids:
        s, lst = sales.get(str(i), {}), listings.get(i, {})
        out[i] = ChannelFigures(
            orders=s.get("n", 0),
            sales=s.get("total") or Decimal("0.00"),
            orders_30d=s.get("n30", 0),
            sales_30d=s.get("total30") or Decimal("0.00"),
            listings=lst.get("n", 0),
            mapped=lst.get("mapped", 0),
            pending=lst.get("pending", 0),
            problems=problems.get(i, 0),
        )
    return out


def channel_out(channel: Channel, figures: ChannelFigures | None = None) -> dict:
    """A channel as the API and pages show it: credentials masked."""
    data = {
        "id": channel.pk,
        "kind": channel.kind,
        "name": channel.name,
        "shop_domain": channel.shop_domain,
        "api_base": channel.api_base,
        "location_id": channel.location_id,
        "stock_buffer": channel.stock_buffer,
        "stock_share_percent": channel.stock_share_percent,
        "enabled": channel.enabled,
        "warehouses": sorted(w.code for w in channel.warehouses.all()),
        "access_token": mask_secret(channel.access_token),
        "webhook_secret": mask_secret(channel.webhook_secret),
        "last_synced_at": channel.last_synced_at.isoformat() if channel.last_synced_at else None,
        "last_error": channel.last_error,
        "last_error_code": channel.last_error_code,
        "last_error_at": channel.last_error_at.isoformat() if channel.last_error_at else None,
    }
    if figures is not None:
        data.update(
            orders=figures.orders,
            sales=str(figures.sales),
            orders_30d=figures.orders_30d,
            sales_30d=str(figures.sales_30d),
            listings=figures.listings,
            mapped=figures.mapped,
            pending_pushes=figures.pending,
            held_orders=figures.problems,
        )
    return data


def list_listings(channel: Channel, *, unmapped_only: bool = False):
    rows = ChannelListing.objects.filter(channel=channel).select_related("variant")
    if unmapped_only:
        rows = rows.filter(variant__isnull=True)
    return rows.order_by(F("variant_id").asc(nulls_first=True), "external_sku", "id")[:MAX_LISTINGS]


def list_intakes(channel: Channel, *, problems_only: bool = False):
    rows = ChannelOrderIntake.objects.filter(channel=channel)
    if problems_only:
        rows = rows.filter(state=ChannelOrderIntake.State.PROBLEM)
    return rows.defer("payload").order_by("-received_at", "-id")[:MAX_INTAKES]


def get_warehouse_ids(channel: Channel) -> list[int] | None:
    """The warehouses whose stock the channel may sell, or None for every warehouse."""
    chosen = sorted(channel.warehouses.values_list("pk", flat=True))
    return chosen or None


def get_channel_available(channel: Channel, variant_ids) -> dict[int, int]:
    """Available units per variant counted over the channel's warehouses only (before buffer and share)."""
    return get_available_by_variant(variant_ids, warehouse_ids=get_warehouse_ids(channel))


# Order.channel holds "web" (our shop), a connected channel's id ("7"), or the code a file import
# was given ("shopify" for Shopify's CSV, "taobao", or any code an operator typed for a generic CSV).
FIXED_LABELS = {
    "web": lambda: _("网店"),
    "shopify": lambda: "Shopify",
    **{kind: (lambda label=label: str(label)) for kind, label in Channel.Kind.choices if kind != "shopify"},
    "tmall": lambda: _("天猫"),
    "douyin": lambda: _("抖音"),
    "xiaohongshu": lambda: _("小红书"),
    "wechat": lambda: _("微信"),
    "other": lambda: _("其他渠道"),
}


def channel_labels(values) -> dict[str, str]:
    """Display names of stored Order.channel values, in one query: a connected channel's name
    for its id, a name for the fixed codes, any other code as it is."""
    values = {str(v or "") for v in values}
    ids = sorted({int(v) for v in values if v.isdigit() and len(v) < 10})
    names = {str(pk): name for pk, name in Channel.objects.filter(pk__in=ids).values_list("pk", "name")} if ids else {}
    out = {}
    for value in values:
        if value in names:
            out[value] = names[value]
        elif value.lower() in FIXED_LABELS:
            out[value] = FIXED_LABELS[value.lower()]()
        elif value.isdigit():
            out[value] = _("已删除的渠道 %(id)s") % {"id": value}
        else:
            out[value] = value or "—"
    return out


def channel_label(value) -> str:
    """The display name of one stored Order.channel value (see channel_labels)."""
    return channel_labels([value])[str(value or "")]
