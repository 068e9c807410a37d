"""Connected channels (Shopify's Admin API: connect, sync, webhook) and platform files: order
import (multipart file) and tracking export (CSV)."""

import json

from django.http import HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip
from dianpu.core.uploads import read_upload

from . import files, queries, services, sync
from .messages import MESSAGES

router = Router(tags=["channels"], auth=StaffToken())


class ImportOut(Schema):
    created: list[str]
    skipped: list[str]
    rows: int


@router.post(
    "/channel-imports",
    response=ImportOut,
    summary="Import a Shopify orders export CSV (channel=shopify) or any CSV/XLSX with a column mapping "
    "(channel=generic, channel_code, mapping JSON); all or nothing, 422 import_refused lists "
    "row/column/reason; orders already imported from the channel are skipped",
)
def import_orders(
    request,
    file: File[UploadedFile],
    channel: Form[str],
    shipping_method: Form[str] = "standard",
    channel_code: Form[str] = "",
    mapping: Form[str] = "",
):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.IMPORT_CHANNEL_ORDERS)
    try:
        parsed = json.loads(mapping) if mapping.strip() else {}
        if not isinstance(parsed, dict):
            raise ValueError
    except ValueError:
        raise DomainError(MESSAGES["mapping_missing"], code="mapping_invalid", status=422, field="mapping") from None
    result = services.import_channel_orders(
        channel=channel,
        content=read_upload(file, services.UPLOAD_LIMITS),
        filename=file.name or "upload.csv",
        actor=request.auth,
        shipping_method=shipping_method,
        mapping={str(k): str(v) for k, v in parsed.items()},
        channel_code=channel_code,
        ip_address=client_ip(request),
    )
    return {"created": result.created, "skipped": result.skipped, "rows": result.rows}


@router.get(
    "/channel-exports/tracking",
    response={200: None},
    summary="Tracking numbers of a channel's shipped orders as Shopify's fulfillment CSV",
)
def export_tracking(request, channel: str = "shopify"):
    require_perm(request.auth, roles.VIEW_ORDERS, roles.IMPORT_CHANNEL_ORDERS)
    return HttpResponse(
        services.export_tracking_csv(channel=channel.strip().lower()[:20]), content_type="text/csv; charset=utf-8"
    )


class Problem(Schema):
    code: str
    detail: str


class Created(Schema):
    id: int


class ChannelIn(Schema):
    kind: str = "shopify"
    name: str = ""
    shop_domain: str = ""
    access_token: str = ""
    webhook_secret: str = ""
    location_id: str | int = ""
    stock_buffer: int = 0
    stock_share_percent: int = 100
    api_base: str = ""
    warehouses: list[str] = []


class ChannelChange(Schema):
    enabled: bool | None = None
    stock_buffer: int | None = None
    stock_share_percent: int | None = None
    warehouses: list[str] | None = None


class ChannelOut(Schema):
    id: int
    kind: str
    name: str
    shop_domain: str
    api_base: str
    location_id: str
    stock_buffer: int
    stock_share_percent: int
    warehouses: list[str]
    enabled: bool
    access_token: str
    webhook_secret: str
    last_synced_at: str | None
    last_error: str
    last_error_code: str
    last_error_at: str | None
    orders: int
    sales: str
    orders_30d: int
    sales_30d: str
    listings: int
    mapped: int
    pending_pushes: int
    held_orders: int


class ChannelList(Schema):
    items: list[ChannelOut]


class SyncOut(Schema):
    mapped: int
    pushed: int
    unmapped: int
    failed: int


class ChannelOrderOut(Schema):
    id: int
    external_id: str
    external_number: str
    source: str
    state: str
    order_number: str
    problem_code: str
    problem: str
    received_at: str


class ChannelOrderList(Schema):
    items: list[ChannelOrderOut]


class ChannelOutcomeOut(Schema):
    outcome: str


def _channel(channel) -> dict:
    return queries.channel_out(channel, queries.figures_for([channel])[channel.pk])


@router.post(
    "/channels",
    response={201: Created, 403: Problem, 422: Problem},
    summary="Connect a sales channel: kind shopify (shop_domain, access_token, webhook_secret, location_id; "
    "api_base defaults to https://{shop_domain}/admin/api/2024-10) or taobao/jd/pdd (files)",
)
def create_channel(request, payload: ChannelIn):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    channel = sync.create_channel(
        actor=request.auth,
        kind=payload.kind,
        name=payload.name,
        shop_domain=payload.shop_domain,
        access_token=payload.access_token,
        webhook_secret=payload.webhook_secret,
        location_id=str(payload.location_id),
        stock_buffer=payload.stock_buffer,
        stock_share_percent=payload.stock_share_percent,
        api_base=payload.api_base,
        warehouses=payload.warehouses,
        ip_address=client_ip(request),
    )
    return Status(201, {"id": channel.pk})


@router.get(
    "/channels",
    response=ChannelList,
    summary="Connected channels with last sync, last error, orders and sales (credentials masked)",
)
def list_channels(request):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    channels = list(queries.list_channels())
    figures = queries.figures_for(channels)
    return {"items": [queries.channel_out(c, figures[c.pk]) for c in channels]}


@router.get("/channels/{channel_id}", response={200: ChannelOut, 404: Problem}, summary="One connected channel")
def get_channel(request, channel_id: int):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    return _channel(sync.get_channel(channel_id))


@router.patch(
    "/channels/{channel_id}",
    response={200: ChannelOut, 404: Problem, 422: Problem},
    summary="Enable or pause a channel, change its stock buffer or share (every figure is pushed again)",
)
def change_channel(request, channel_id: int, payload: ChannelChange):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    channel = sync.update_channel(
        actor=request.auth,
        channel=sync.get_channel(channel_id),
        enabled=payload.enabled,
        stock_buffer=payload.stock_buffer,
        stock_share_percent=payload.stock_share_percent,
        warehouses=payload.warehouses,
        ip_address=client_ip(request),
    )
    return _channel(channel)


@router.post(
    "/channels/{channel_id}/sync",
    response={200: SyncOut, 404: Problem, 409: Problem, 424: Problem},
    summary="Read the channel's products, map variants to ours by SKU, push every mapped SKU's stock "
    "(max(0, available − stock_buffer), times the share); 424 when the platform refuses or is down",
)
def sync_channel(request, channel_id: int):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    result = sync.sync_channel(channel=sync.get_channel(channel_id), actor=request.auth, ip_address=client_ip(request))
    return {"mapped": result.mapped, "pushed": result.pushed, "unmapped": result.unmapped, "failed": result.failed}


class SyncJobOut(Schema):
    id: int
    state: str
    phase: str
    done: int
    total: int
    percent: int
    mapped: int
    pushed: int
    unmapped: int
    failed: int
    error: str


def _job(job) -> dict:
    return {
        "id": job.pk,
        "state": job.state,
        "phase": job.phase,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "mapped": job.mapped,
        "pushed": job.pushed,
        "unmapped": job.unmapped,
        "failed": job.failed,
        "error": job.error,
    }


@router.post(
    "/channels/{channel_id}/sync-jobs",
    response={202: SyncJobOut, 404: Problem, 409: Problem},
    summary="Queue a sync for the worker (the one already queued or running is returned); poll its progress",
)
def start_sync_job(request, channel_id: int):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    return Status(202, _job(sync.start_sync(channel=sync.get_channel(channel_id), actor=request.auth)))


@router.get(
    "/channels/{channel_id}/sync-jobs/{job_id}",
    response={200: SyncJobOut, 404: Problem},
    summary="A queued sync's state and progress (listings pushed of all to push), then its outcome",
)
def get_sync_job(request, channel_id: int, job_id: int):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    return _job(sync.get_sync_job(sync.get_channel(channel_id), job_id))


@router.get(
    "/channels/{channel_id}/orders",
    response={200: ChannelOrderList, 404: Problem},
    summary="Orders the channel sent (latest 200): created, or held with the problem (unknown SKU, out of stock)",
)
def list_channel_orders(request, channel_id: int, problems: bool = False):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    rows = queries.list_intakes(sync.get_channel(channel_id), problems_only=problems)
    return {
        "items": [
            {
                "id": r.pk,
                "external_id": r.external_id,
                "external_number": r.external_number,
                "source": r.source,
                "state": r.state,
                "order_number": r.order_number,
                "problem_code": r.problem_code,
                "problem": r.problem,
                "received_at": r.received_at.isoformat(),
            }
            for r in rows
        ]
    }


@router.post(
    "/channels/{channel_id}/orders/{intake_id}/retry",
    response={200: ChannelOutcomeOut, 404: Problem},
    summary="Try a held channel order again (after mapping its SKU or receiving stock)",
)
def retry_channel_order(request, channel_id: int, intake_id: int):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    sync.get_channel(channel_id)
    return {
        "outcome": sync.retry_intake(
            actor=request.auth, intake_id=intake_id, channel_id=channel_id, ip_address=client_ip(request)
        )
    }


class ListingMapIn(Schema):
    sku: str = ""


class ListingOut(Schema):
    id: int
    external_sku: str
    external_variant_id: str
    title: str
    sku: str
    pushed_quantity: int | None
    push_pending: bool


def _listing(lst) -> dict:
    return {
        "id": lst.pk,
        "external_sku": lst.external_sku,
        "external_variant_id": lst.external_variant_id,
        "title": lst.title,
        "sku": lst.variant.sku if lst.variant_id else "",
        "pushed_quantity": lst.pushed_quantity,
        "push_pending": lst.push_pending,
    }


class ListingList(Schema):
    items: list[ListingOut]


@router.get(
    "/channels/{channel_id}/listings",
    response={200: ListingList, 404: Problem},
    summary="The channel's SKUs (first 500, unmapped first) with our SKU each maps to and the figure last pushed",
)
def list_channel_listings(request, channel_id: int, unmapped: bool = False):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    return {
        "items": [_listing(lst) for lst in queries.list_listings(sync.get_channel(channel_id), unmapped_only=unmapped)]
    }


@router.post(
    "/channels/{channel_id}/listings/{listing_id}/map",
    response={200: ListingOut, 404: Problem, 422: Problem},
    summary="Map one of the channel's SKUs to one of ours by hand (sku), or unmap it (empty sku)",
)
def map_channel_listing(request, channel_id: int, listing_id: int, payload: ListingMapIn):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    return _listing(
        sync.map_listing(
            actor=request.auth,
            channel=sync.get_channel(channel_id),
            listing_id=listing_id,
            sku=payload.sku,
            ip_address=client_ip(request),
        )
    )


class ListingImportOut(Schema):
    mapped: int
    unmapped: int
    rows: int


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX if fmt == "xlsx" else "text/csv; charset=gb18030")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@router.post(
    "/channels/{channel_id}/listing-files",
    response={200: ListingImportOut, 404: Problem, 409: Problem, 422: Problem},
    summary="Taobao/JD/Pinduoduo: the seller centre's goods export (CSV in UTF-8 or GBK, or XLSX), "
    "one row per SKU, mapped to ours by 商家编码; 422 names missing columns",
)
def import_listing_file(request, channel_id: int, file: File[UploadedFile]):
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    channel = sync.get_channel(channel_id)
    result = files.import_listings(
        channel=channel,
        content=read_upload(file, services.UPLOAD_LIMITS),
        filename=file.name or "listings.csv",
        actor=request.auth,
        ip_address=client_ip(request),
    )
    return {"mapped": result.mapped, "unmapped": result.unmapped, "rows": result.rows}


@router.get(
    "/channels/{channel_id}/stock-file",
    response={200: None, 404: Problem, 409: Problem, 422: Problem},
    summary="Taobao/JD/Pinduoduo: the stock update file (GBK CSV or XLSX) with every mapped SKU's figure",
)
def export_stock_file(request, channel_id: int, format: str = "csv"):  # noqa: A002 (the query parameter's name)
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    channel = sync.get_channel(channel_id)
    return _download(
        files.export_stock(channel=channel, fmt=format, actor=request.auth), format, f"{channel.kind}-stock"
    )


@router.post(
    "/channels/{channel_id}/order-files",
    response={200: ImportOut, 404: Problem, 409: Problem, 422: Problem},
    summary="Taobao/JD/Pinduoduo: the seller centre's order export (GBK CSV or XLSX), placed as orders of "
    "this channel, all or nothing; orders already taken are skipped",
)
def import_order_file(request, channel_id: int, file: File[UploadedFile], shipping_method: Form[str] = "standard"):
    require_perm(request.auth, roles.MANAGE_CHANNELS, roles.IMPORT_CHANNEL_ORDERS)
    channel = sync.get_channel(channel_id)
    result = files.import_orders(
        channel=channel,
        content=read_upload(file, services.UPLOAD_LIMITS),
        filename=file.name or "orders.csv",
        actor=request.auth,
        shipping_method=shipping_method,
        ip_address=client_ip(request),
    )
    return {"created": result.created, "skipped": result.skipped, "rows": result.rows}


@router.get(
    "/channels/{channel_id}/shipping-file",
    response={200: None, 404: Problem, 409: Problem, 422: Problem},
    summary="Taobao/JD/Pinduoduo: the batch shipping file (platform order number, carrier, tracking number)",
)
def export_shipping_file(request, channel_id: int, format: str = "csv"):  # noqa: A002
    require_perm(request.auth, roles.MANAGE_CHANNELS)
    channel = sync.get_channel(channel_id)
    return _download(files.export_shipping(channel=channel, fmt=format), format, f"{channel.kind}-shipping")


@router.post(
    "/channels/{channel_id}/webhooks/shopify",
    auth=None,
    response={200: ChannelOutcomeOut, 400: Problem, 401: Problem, 413: Problem},
    summary="Shopify webhooks as Shopify sends them (X-Shopify-Hmac-Sha256 over the raw body, "
    "X-Shopify-Topic): orders/create places one order; the same order again creates nothing; "
    "orders/cancelled cancels it (stock released); refunds/create records the refund; "
    "a delivery with an X-Shopify-Webhook-Id already taken changes nothing",
)
def shopify_webhook(request, channel_id: str):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > sync.MAX_WEBHOOK_BYTES:
        raise DomainError(MESSAGES["payload_invalid"], code="payload_too_large", status=413)
    outcome = sync.receive_shopify_webhook(
        channel_id=channel_id,
        body=request.body,
        topic=request.headers.get("X-Shopify-Topic", ""),
        signature=request.headers.get("X-Shopify-Hmac-Sha256", ""),
        webhook_id=request.headers.get("X-Shopify-Webhook-Id", ""),
        ip_address=client_ip(request),
    )
    return {"outcome": outcome}
