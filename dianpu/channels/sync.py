"""Connected channels: connect a shop, read its listings and map them by SKU, push our stock to it,
take its orders (webhook or polling), send the tracking back.

Network calls never happen inside a transaction: a use case reads what it needs, commits, then
talks to the platform, then records the outcome in a new short transaction. Stock pushes are
driven by a flag on the listing (`push_pending`), set in the same transaction as any stock move
(handlers.on_stock_changed) and cleared by a conditional UPDATE before each push, so two workers
never push the same listing at once and a change made during a push is pushed again.
Orders are taken once per platform order id (ChannelOrderIntake, unique) and placed exactly as
file imports place them (services._write: create_order, reserve_stock, mark paid).
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from dianpu.audit.services import record_audit
from dianpu.catalog.queries import get_variants_by_sku
from dianpu.core import clock
from dianpu.core.errors import DomainError, NotFoundError, ValidationFailed
from dianpu.fulfillment.carriers import get_carrier
from dianpu.fulfillment.queries import get_shipping_method
from dianpu.inventory.queries import get_available_by_variant, list_warehouses
from dianpu.inventory.services import InsufficientStockError
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.payments.queries import list_refunds
from dianpu.payments.services import refund_order

from . import services
from .connectors.shopify_api import ShopifyClient, ShopifyError, default_api_base, order_from_payload, verify_webhook
from .domain.stock import channel_quantity
from .messages import MESSAGES
from .models import Channel, ChannelListing, ChannelOrderIntake, ChannelSyncJob, ChannelWebhook
from .queries import get_warehouse_ids

PUSH_BATCH = 500
MAX_WEBHOOK_BYTES = 2_000_000


@dataclass(frozen=True)
class SyncResult:
    mapped: int
    pushed: int
    unmapped: int
    failed: int


class ChannelUnavailable(DomainError):
    """The platform refused or did not answer; the reason is stored on the channel as well."""

    status = 424

    def __init__(self, error: ShopifyError):
        code = f"channel_{error.code}"
        super().__init__(
            str(MESSAGES.get(code, MESSAGES["channel_unavailable"])), code=code, platform_status=error.status
        )


def get_channel(channel_id) -> Channel:
    channel = Channel.objects.filter(pk=channel_id).first() if str(channel_id).isdigit() else None
    if channel is None:
        raise NotFoundError(MESSAGES["channel_not_found"], code="channel_not_found")
    return channel


def client_for(channel: Channel) -> ShopifyClient:
    return ShopifyClient(channel.api_base or default_api_base(channel.shop_domain), channel.access_token)


# --- connecting --------------------------------------------------------------------------------


def create_channel(
    *,
    actor,
    kind: str,
    name: str,
    shop_domain: str = "",
    access_token: str = "",
    webhook_secret: str = "",
    location_id="",
    stock_buffer: int = 0,
    stock_share_percent: int = 100,
    api_base: str = "",
    warehouses: list[str] | None = None,
    ip_address: str | None = None,
) -> Channel:
    errors, codes = {}, {}

    def refuse(field, code):
        errors[field], codes[field] = str(MESSAGES[code]), code

    kind = (kind or "").strip().lower()
    if kind not in Channel.Kind.values:
        refuse("kind", "channel_kind_unknown")
    name = (name or "").strip()
    if not name or len(name) > 100:
        refuse("name", "channel_name_invalid")
    shop_domain = (shop_domain or "").strip().lower().removeprefix("https://").strip("/")
    api_base = (api_base or "").strip().rstrip("/")
    if kind == Channel.Kind.SHOPIFY:
        if not shop_domain and not api_base:
            refuse("shop_domain", "shop_domain_missing")
        if not (access_token or "").strip():
            refuse("access_token", "access_token_missing")
        if not (webhook_secret or "").strip():
            refuse("webhook_secret", "webhook_secret_missing")
        if not str(location_id or "").strip():
            refuse("location_id", "location_id_missing")
    if api_base and not api_base.startswith(("https://", "http://")):
        refuse("api_base", "api_base_invalid")
    if not isinstance(stock_buffer, int) or isinstance(stock_buffer, bool) or not 0 <= stock_buffer <= 100000:
        refuse("stock_buffer", "stock_buffer_invalid")
    if not isinstance(stock_share_percent, int) or not 0 <= stock_share_percent <= 100:
        refuse("stock_share_percent", "stock_share_invalid")
    if (
        len(shop_domain) > 200
        or len(api_base) > 300
        or len(access_token or "") > 300
        or len(webhook_secret or "") > 300
    ):
        refuse("shop_domain", "channel_field_too_long")
    chosen = _warehouses(warehouses or [], refuse)
    if errors:
        raise ValidationFailed(errors, codes=codes)
    if kind == Channel.Kind.SHOPIFY and not api_base:
        api_base = default_api_base(shop_domain)
    now = clock.now()
    with transaction.atomic():
        channel = Channel.objects.create(
            kind=kind,
            name=name,
            shop_domain=shop_domain,
            access_token=(access_token or "").strip(),
            webhook_secret=(webhook_secret or "").strip(),
            location_id=str(location_id or "").strip()[:40],
            api_base=api_base,
            stock_buffer=stock_buffer,
            stock_share_percent=stock_share_percent,
            created_at=now,
        )
        channel.warehouses.set(chosen)
        record_audit(
            actor=actor,
            action="channel.connected",
            obj=channel,
            object_repr=name,
            ip_address=ip_address,
            changes={
                "kind": ("", kind),
                "shop_domain": ("", shop_domain),
                "stock_buffer": ("", str(stock_buffer)),
                "stock_share_percent": ("", str(stock_share_percent)),
                "warehouses": ("", ", ".join(w.code for w in chosen) or "*"),
            },
        )
    return channel


def _warehouses(codes: list[str], refuse) -> list:
    """The warehouses named by code (none named: every warehouse, now and added later)."""
    codes = sorted({str(c).strip() for c in codes if str(c).strip()})
    if len(codes) > 100:
        refuse("warehouses", "warehouse_unknown")
        return []
    known = {w.code: w for w in list_warehouses().filter(code__in=codes)}
    if any(c not in known for c in codes):
        refuse("warehouses", "warehouse_unknown")
    return [known[c] for c in codes if c in known]


def update_channel(
    *,
    actor,
    channel: Channel,
    enabled: bool | None = None,
    stock_buffer: int | None = None,
    stock_share_percent: int | None = None,
    warehouses: list[str] | None = None,
    ip_address: str | None = None,
) -> Channel:
    changes = {}
    chosen = None
    if warehouses is not None:
        errors = {}
        chosen = _warehouses(warehouses, lambda field, code: errors.setdefault(field, code))
        if errors:
            raise ValidationFailed(
                {"warehouses": str(MESSAGES["warehouse_unknown"])}, codes={"warehouses": "warehouse_unknown"}
            )
        before = ", ".join(sorted(channel.warehouses.values_list("code", flat=True))) or "*"
        changes["warehouses"] = (before, ", ".join(w.code for w in chosen) or "*")
    if stock_buffer is not None:
        if not 0 <= stock_buffer <= 100000:
            raise ValidationFailed(
                {"stock_buffer": str(MESSAGES["stock_buffer_invalid"])}, codes={"stock_buffer": "stock_buffer_invalid"}
            )
        changes["stock_buffer"] = (str(channel.stock_buffer), str(stock_buffer))
        channel.stock_buffer = stock_buffer
    if stock_share_percent is not None:
        if not 0 <= stock_share_percent <= 100:
            raise ValidationFailed(
                {"stock_share_percent": str(MESSAGES["stock_share_invalid"])},
                codes={"stock_share_percent": "stock_share_invalid"},
            )
        changes["stock_share_percent"] = (str(channel.stock_share_percent), str(stock_share_percent))
        channel.stock_share_percent = stock_share_percent
    if enabled is not None:
        changes["enabled"] = (str(channel.enabled), str(enabled))
        channel.enabled = enabled
    with transaction.atomic():
        channel.save(update_fields=["stock_buffer", "stock_share_percent", "enabled"])
        if chosen is not None:
            channel.warehouses.set(chosen)
        # a new buffer, share or set of warehouses changes every figure the channel was given
        ChannelListing.objects.filter(channel=channel, variant__isnull=False).update(push_pending=True)
        record_audit(
            actor=actor,
            action="channel.changed",
            obj=channel,
            object_repr=channel.name,
            ip_address=ip_address,
            changes=changes,
        )
    return channel


def _record_error(channel: Channel, error: ShopifyError | None) -> None:
    if error is None:
        Channel.objects.filter(pk=channel.pk).update(last_error="", last_error_code="", last_error_at=None)
        return
    text = str(MESSAGES.get(f"channel_{error.code}", MESSAGES["channel_unavailable"]))
    detail = f"{text} (HTTP {error.status})" if error.status else text
    Channel.objects.filter(pk=channel.pk).update(
        last_error=detail[:500], last_error_code=error.code, last_error_at=clock.now()
    )


# --- listings and stock -----------------------------------------------------------------------


def sync_channel(*, channel: Channel, actor=None, ip_address: str | None = None, progress=None) -> SyncResult:
    """Read the channel's products, map their variants to ours by SKU, push every mapped SKU's stock.
    `progress(phase, done, total)` hears how far it is ("read", then "push" per listing)."""
    if channel.kind != Channel.Kind.SHOPIFY:
        raise DomainError(MESSAGES["channel_is_file_based"], code="channel_is_file_based", status=409)
    if progress is not None:
        progress("read", 0, 0)
    try:
        found = client_for(channel).list_listings()
    except ShopifyError as exc:
        _record_error(channel, exc)
        raise ChannelUnavailable(exc) from None
    variants = get_variants_by_sku(sorted({item.sku for item in found if item.sku}))
    seen = set()
    with transaction.atomic():
        for item in found:
            if not item.variant_id or item.variant_id in seen:
                continue
            seen.add(item.variant_id)
            variant = variants.get(item.sku)
            ChannelListing.objects.update_or_create(
                channel=channel,
                external_variant_id=item.variant_id[:40],
                defaults={
                    "variant": variant,
                    "external_sku": item.sku[:100],
                    "title": item.title,
                    "external_product_id": item.product_id[:40],
                    "inventory_item_id": item.inventory_item_id[:40],
                    "push_pending": variant is not None,
                },
            )
        gone = ChannelListing.objects.filter(channel=channel).exclude(external_variant_id__in=seen)
        gone.delete()
    mapped = ChannelListing.objects.filter(channel=channel, variant__isnull=False).count()
    unmapped = ChannelListing.objects.filter(channel=channel, variant__isnull=True).count()
    pushed, failed, error = _push_listings(
        channel,
        list(
            ChannelListing.objects.filter(channel=channel, variant__isnull=False, push_pending=True).values_list(
                "pk", flat=True
            )
        ),
        progress,
    )
    Channel.objects.filter(pk=channel.pk).update(last_synced_at=clock.now())
    _record_error(channel, error)
    record_audit(
        actor=actor,
        action="channel.synced",
        obj=channel,
        object_repr=channel.name,
        ip_address=ip_address,
        changes={"mapped": ("", str(mapped)), "pushed": ("", str(pushed)), "unmapped": ("", str(unmapped))},
    )
    if error is not None and error.code == "auth_failed":
        raise ChannelUnavailable(error)
    return SyncResult(mapped=mapped, pushed=pushed, unmapped=unmapped, failed=failed)


SYNC_JOB_STALE = timedelta(minutes=15)


def start_sync(*, channel: Channel, actor=None) -> ChannelSyncJob:
    """ "Sync now" on the console: a job the worker runs (run_sync_job), its progress on the page.
    A sync already queued or running for the channel is returned rather than started twice."""
    if channel.kind != Channel.Kind.SHOPIFY:
        raise DomainError(MESSAGES["channel_is_file_based"], code="channel_is_file_based", status=409)
    now = clock.now()
    with transaction.atomic():
        Channel.objects.select_for_update().filter(pk=channel.pk).first()  # one start at a time per channel
        job = ChannelSyncJob.objects.filter(
            channel=channel,
            state__in=[ChannelSyncJob.State.QUEUED, ChannelSyncJob.State.RUNNING],
            created_at__gte=now - SYNC_JOB_STALE,
        ).first()
        if job is not None:
            return job
        job = ChannelSyncJob.objects.create(
            channel=channel, created_by=actor if getattr(actor, "is_authenticated", False) else None, created_at=now
        )
        transaction.on_commit(lambda: _queue_sync(job.pk))
    return job


def _queue_sync(job_id: int) -> None:
    from .tasks import run_channel_sync

    run_channel_sync(job_id)


def run_sync_job(job_id: int, ip_address: str | None = None) -> ChannelSyncJob | None:
    """The worker's half of "sync now": claim the queued job (once), sync, record the outcome."""
    if not ChannelSyncJob.objects.filter(pk=job_id, state=ChannelSyncJob.State.QUEUED).update(
        state=ChannelSyncJob.State.RUNNING
    ):
        return None
    job = ChannelSyncJob.objects.select_related("channel", "created_by").get(pk=job_id)

    def progress(phase: str, done: int, total: int) -> None:
        ChannelSyncJob.objects.filter(pk=job_id).update(phase=phase, done=done, total=total)

    try:
        result = sync_channel(channel=job.channel, actor=job.created_by, ip_address=ip_address, progress=progress)
    except DomainError as exc:
        ChannelSyncJob.objects.filter(pk=job_id).update(
            state=ChannelSyncJob.State.FAILED, error=str(exc.detail)[:500], finished_at=clock.now()
        )
    except Exception:
        ChannelSyncJob.objects.filter(pk=job_id).update(
            state=ChannelSyncJob.State.FAILED, error=str(MESSAGES["channel_unavailable"]), finished_at=clock.now()
        )
        raise
    else:
        ChannelSyncJob.objects.filter(pk=job_id).update(
            state=ChannelSyncJob.State.DONE,
            mapped=result.mapped,
            pushed=result.pushed,
            unmapped=result.unmapped,
            failed=result.failed,
            done=F("total"),
            finished_at=clock.now(),
        )
    job.refresh_from_db()
    return job


def get_sync_job(channel: Channel, job_id) -> ChannelSyncJob:
    job = ChannelSyncJob.objects.filter(pk=job_id, channel=channel).first() if str(job_id).isdigit() else None
    if job is None:
        raise NotFoundError(MESSAGES["sync_job_not_found"], code="sync_job_not_found")
    return job


def map_listing(*, actor, channel: Channel, listing_id, sku: str, ip_address=None) -> ChannelListing:
    """Map one of the channel's SKUs to one of ours by hand (its SKU differs from ours), or unmap it
    with an empty `sku`; the figure is pushed again."""
    listing = (
        ChannelListing.objects.filter(pk=listing_id, channel=channel).first() if str(listing_id).isdigit() else None
    )
    if listing is None:
        raise NotFoundError(MESSAGES["listing_not_found"], code="listing_not_found")
    sku = (sku or "").strip()
    variant = None
    if sku:
        variant = get_variants_by_sku([sku]).get(sku)
        if variant is None:
            raise ValidationFailed({"sku": str(MESSAGES["sku_unknown"])}, codes={"sku": "sku_unknown"})
    before = listing.variant.sku if listing.variant_id else ""
    with transaction.atomic():
        ChannelListing.objects.filter(pk=listing.pk).update(variant=variant, push_pending=variant is not None)
        record_audit(
            actor=actor,
            action="channel.listing_mapped",
            obj=channel,
            object_repr=listing.external_sku,
            ip_address=ip_address,
            changes={"sku": (before, sku)},
        )
    listing.refresh_from_db()
    return listing


def _push_listings(channel: Channel, listing_ids: list[int], progress=None) -> tuple[int, int, ShopifyError | None]:
    """Claim each listing (push_pending True → False, one statement), push its figure, record it.
    A failed push leaves the listing pending for the next sweep."""
    client = client_for(channel)
    warehouse_ids = get_warehouse_ids(channel)
    pushed = failed = 0
    last_error = None
    for number, listing_id in enumerate(listing_ids, start=1):
        if progress is not None:
            progress("push", number - 1, len(listing_ids))
        if not ChannelListing.objects.filter(pk=listing_id, push_pending=True).update(push_pending=False):
            continue  # another worker took it
        listing = ChannelListing.objects.filter(pk=listing_id).first()
        if listing is None or listing.variant_id is None:
            continue
        available = get_available_by_variant([listing.variant_id], warehouse_ids).get(listing.variant_id, 0)
        quantity = channel_quantity(available, buffer=channel.stock_buffer, share_percent=channel.stock_share_percent)
        try:
            client.set_stock(
                location_id=channel.location_id, inventory_item_id=listing.inventory_item_id, available=quantity
            )
        except ShopifyError as exc:
            failed += 1
            last_error = exc
            ChannelListing.objects.filter(pk=listing_id).update(push_pending=True, push_error=exc.code)
            if exc.code == "auth_failed":  # every other push would fail the same way
                break
            continue
        pushed += 1
        ChannelListing.objects.filter(pk=listing_id).update(
            pushed_quantity=quantity, pushed_at=clock.now(), push_error=""
        )
    return pushed, failed, last_error


def push_pending_stock(limit: int = PUSH_BATCH) -> int:
    """Push every listing whose SKU's stock changed since its last push (the worker, and the
    once-a-minute sweep). Returns how many figures were pushed."""
    total = 0
    by_channel: dict[int, list[int]] = {}
    for listing_id, channel_id in (
        ChannelListing.objects.filter(
            push_pending=True, variant__isnull=False, channel__enabled=True, channel__kind=Channel.Kind.SHOPIFY
        )
        .order_by("id")
        .values_list("id", "channel_id")[:limit]
    ):
        by_channel.setdefault(channel_id, []).append(listing_id)
    for channel in Channel.objects.filter(pk__in=by_channel):
        pushed, _failed, error = _push_listings(channel, by_channel[channel.pk])
        total += pushed
        _record_error(channel, error)
    return total


def mark_stock_changed(variant_ids) -> int:
    """In the stock move's transaction: its SKUs' listings need a push (see handlers)."""
    ids = sorted(set(variant_ids))
    marked = 0
    if not ids or not Channel.objects.filter(enabled=True).exists():
        return 0  # a shop without a connected channel: one indexed read, not an UPDATE per 1,000 SKUs
    for start in range(0, len(ids), 1000):
        marked += ChannelListing.objects.filter(
            variant_id__in=ids[start : start + 1000], push_pending=False, channel__enabled=True
        ).update(push_pending=True)
    return marked


# --- orders ------------------------------------------------------------------------------------

WEBHOOK_TOPICS = ("orders/create", "orders/cancelled", "refunds/create")


def receive_shopify_webhook(
    *, channel_id, body: bytes, topic: str, signature: str, webhook_id: str = "", ip_address=None
) -> str:
    """Shopify's webhook as it sends it. A bad signature: 401, nothing written. orders/create
    places one order (or records why it could not); the same order again: "duplicate".
    orders/cancelled cancels our order (its reservation released); refunds/create records the
    refund against our order's payment (the books follow through OrderRefunded). A delivery whose
    X-Shopify-Webhook-Id was taken already changes nothing ("duplicate")."""
    channel = (
        Channel.objects.filter(pk=channel_id, kind=Channel.Kind.SHOPIFY).first() if str(channel_id).isdigit() else None
    )
    if channel is None or not verify_webhook(body, channel.webhook_secret, signature):
        raise DomainError(MESSAGES["signature_invalid"], code="signature_invalid", status=401)
    topic = topic.strip().lower()
    if topic not in WEBHOOK_TOPICS:
        return "ignored"
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not data.get("id"):
            raise ValueError
    except ValueError:
        raise DomainError(MESSAGES["payload_invalid"], code="payload_invalid", status=400) from None
    if topic == "orders/create":
        return take_order(channel, data, source="webhook")
    webhook_id = (webhook_id or "").strip()[:100] or f"{topic}:{str(data.get('id'))[:60]}"
    try:
        with transaction.atomic():
            receipt = ChannelWebhook.objects.create(
                channel=channel, webhook_id=webhook_id, topic=topic, outcome="", received_at=clock.now()
            )
            outcome = (cancel_channel_order if topic == "orders/cancelled" else refund_channel_order)(channel, data)
            ChannelWebhook.objects.filter(pk=receipt.pk).update(outcome=outcome)
    except IntegrityError:  # this delivery was taken already (or is being taken right now)
        return "duplicate"
    return outcome


def _order_of(channel: Channel, external_id) -> tuple[ChannelOrderIntake | None, Order | None]:
    intake = ChannelOrderIntake.objects.filter(channel=channel, external_id=str(external_id)[:40]).first()
    if intake is None or not intake.order_number:
        return intake, None
    return intake, Order.objects.filter(number=intake.order_number, channel=channel.order_channel).first()


def cancel_channel_order(channel: Channel, data: dict) -> str:
    """The buyer's order was cancelled on the platform: our order is cancelled and its stock
    released; a held one will not be placed by a retry. "cancelled", "duplicate" (already),
    "unknown" (never taken), "refused" (shipped already: a return, not a cancel)."""
    intake, order = _order_of(channel, data.get("id"))
    if intake is None:
        return "unknown"
    if order is None:
        if intake.state == ChannelOrderIntake.State.CANCELLED:
            return "duplicate"
        _mark(
            intake,
            ChannelOrderIntake.State.CANCELLED,
            code="cancelled_on_platform",
            problem=str(MESSAGES["cancelled_on_platform"]),
        )
        return "cancelled"
    if order.status == Order.Status.CANCELLED:
        return "duplicate"
    reason = str(MESSAGES["cancelled_on_platform"])
    if data.get("cancel_reason"):
        reason = f"{reason} ({str(data['cancel_reason'])[:40]})"
    try:
        transition_order(order=order, action="cancel", actor=None, reason=reason)
    except DomainError:  # shipped already, or changed meanwhile (another delivery cancelled it)
        if Order.objects.filter(pk=order.pk, status=Order.Status.CANCELLED).exists():
            return "duplicate"
        record_audit(
            actor=None,
            action="channel.cancel_refused",
            obj=order,
            object_repr=order.number,
            changes={"status": (order.status, order.status)},
            reason=reason,
        )
        return "refused"
    return "cancelled"


def refund_amount(data: dict) -> Decimal:
    """What a refunds/create body gave back: its successful refund transactions, exactly."""
    total = Decimal("0.00")
    for tx in data.get("transactions") or []:
        if (
            not isinstance(tx, dict)
            or str(tx.get("kind", "")).lower() != "refund"
            or str(tx.get("status", "")).lower() != "success"
        ):
            continue
        try:
            amount = Decimal(str(tx.get("amount")))
        except (InvalidOperation, ValueError):
            continue
        if amount.is_finite() and amount > 0:
            total += amount.quantize(Decimal("0.01"))
    return total


def refund_channel_order(channel: Channel, data: dict) -> str:
    """The platform refunded the buyer: the refund is recorded on our order (manual: the money
    moved on the platform), once per platform refund id. "refunded", "duplicate", "unknown",
    "nothing" (no money moved), "refused" (more than was paid)."""
    _intake, order = _order_of(channel, data.get("order_id"))
    if order is None:
        return "unknown"
    amount = refund_amount(data)
    if amount <= 0:
        return "nothing"
    key = f"channel-{channel.pk}-refund-{str(data.get('id'))[:60]}"
    if any(r.idempotency_key == key for r in list_refunds(order.pk)):
        return "duplicate"
    try:
        refund_order(
            order=order,
            amount=amount,
            reason=str(MESSAGES["refunded_on_platform"])
            + (f" {str(data.get('note'))[:100]}" if data.get("note") else ""),
            manual=True,
            idempotency_key=key,
        )
    except DomainError as exc:
        record_audit(
            actor=None,
            action="channel.refund_refused",
            obj=order,
            object_repr=order.number,
            changes={"amount": ("", str(amount)), "code": ("", exc.code)},
        )
        return "refused"
    return "refunded"


def take_order(channel: Channel, data: dict, *, source: str) -> str:
    """Place the platform's order once: "created", "duplicate" or "held" (a problem recorded)."""
    external_id = str(data.get("id"))[:40]
    now = clock.now()
    intake, _new = ChannelOrderIntake.objects.get_or_create(
        channel=channel,
        external_id=external_id,
        defaults={
            "external_number": str(data.get("name") or external_id)[:64],
            "source": source,
            "payload": data,
            "received_at": now,
            "updated_at": now,
        },
    )
    if intake.state in (ChannelOrderIntake.State.CREATED, ChannelOrderIntake.State.CANCELLED):
        return "duplicate"
    return _place(intake)


def _place(intake: ChannelOrderIntake) -> str:
    channel = intake.channel
    source = order_from_payload(intake.payload)
    variants = get_variants_by_sku(sorted({ln.sku for ln in source.lines if ln.sku}))
    by_listing = {
        lst.external_variant_id: lst.variant
        for lst in ChannelListing.objects.select_related("variant__product").filter(
            channel=channel,
            variant__isnull=False,
            external_variant_id__in=[ln.external_variant_id for ln in source.lines],
        )
    }
    unknown = []
    for line in source.lines:
        if line.sku not in variants and line.external_variant_id in by_listing:
            line.sku = by_listing[line.external_variant_id].sku
            variants[line.sku] = by_listing[line.external_variant_id]
        if line.sku not in variants:
            unknown.append(line.sku or line.name or "?")
    if not source.lines:
        return _hold(intake, "order_has_no_lines", "")
    if unknown:
        return _hold(intake, "sku_unknown", ", ".join(unknown))
    method = get_shipping_method("standard")
    try:
        with transaction.atomic():
            locked = ChannelOrderIntake.objects.select_for_update().get(pk=intake.pk)
            if locked.state in (ChannelOrderIntake.State.CREATED, ChannelOrderIntake.State.CANCELLED):
                return "duplicate"
            if Order.objects.filter(channel=channel.order_channel, channel_order_number=source.number).exists():
                _mark(
                    locked,
                    ChannelOrderIntake.State.CREATED,
                    order_number=Order.objects.filter(channel=channel.order_channel, channel_order_number=source.number)
                    .values_list("number", flat=True)
                    .first(),
                )
                return "duplicate"
            order = services._write(source, channel.order_channel, method.code, variants, None)
            _mark(locked, ChannelOrderIntake.State.CREATED, order_number=order.number)
            record_audit(
                actor=None,
                action="channel.order_received",
                obj=order,
                object_repr=order.number,
                changes={"channel": ("", channel.name), "platform_order": ("", source.number)},
            )
    except InsufficientStockError as exc:
        return _hold(intake, "out_of_stock", str(exc.extra.get("sku", "")))
    except IntegrityError:  # the same order placed by a concurrent delivery
        return "duplicate"
    return "created"


def _mark(intake, state, *, order_number="", code="", problem=""):
    fields = {
        "state": state,
        "order_number": order_number or "",
        "problem_code": code,
        "problem": problem[:500],
        "updated_at": clock.now(),
    }
    if state == ChannelOrderIntake.State.CREATED:
        # the order holds the buyer's details now: the platform's copy (names, addresses) is not kept
        fields["payload"] = {k: intake.payload.get(k) for k in ("id", "name", "created_at") if k in intake.payload}
    ChannelOrderIntake.objects.filter(pk=intake.pk).update(**fields)


def _hold(intake: ChannelOrderIntake, code: str, value: str) -> str:
    text = str(MESSAGES[code]) + (f" ({value})" if value else "")
    _mark(intake, ChannelOrderIntake.State.PROBLEM, code=code, problem=text)
    return "held"


def retry_intake(*, actor, intake_id, channel_id=None, ip_address=None) -> str:
    """Try a held order again (after mapping the SKU or receiving stock)."""
    intake = (
        ChannelOrderIntake.objects.select_related("channel").filter(pk=intake_id).first()
        if str(intake_id).isdigit()
        else None
    )
    if intake is not None and channel_id is not None and intake.channel_id != int(channel_id):
        intake = None
    if intake is None:
        raise NotFoundError(MESSAGES["intake_not_found"], code="intake_not_found")
    if intake.state == ChannelOrderIntake.State.CREATED:
        return "duplicate"
    if intake.state == ChannelOrderIntake.State.CANCELLED:
        return "cancelled"
    outcome = _place(intake)
    record_audit(
        actor=actor,
        action="channel.order_retried",
        obj=intake,
        object_repr=intake.external_number,
        ip_address=ip_address,
        changes={"outcome": ("", outcome)},
    )
    return outcome


def poll_orders(channel: Channel) -> int:
    """The safety net: orders.json since the last order seen (or since the channel was connected)."""
    if channel.kind != Channel.Kind.SHOPIFY or not channel.enabled:
        return 0
    try:
        found = client_for(channel).list_orders(
            since_id=channel.last_order_id, created_at_min=(channel.created_at - timedelta(hours=1)).isoformat()
        )
    except ShopifyError as exc:
        _record_error(channel, exc)
        return 0
    created = 0
    highest = int(channel.last_order_id) if channel.last_order_id.isdigit() else 0
    for data in found:
        if not isinstance(data, dict) or not str(data.get("id", "")).isdigit():
            continue
        created += take_order(channel, data, source="poll") == "created"
        highest = max(highest, int(data["id"]))
    if highest:
        Channel.objects.filter(pk=channel.pk).update(last_order_id=str(highest))
    return created


def poll_all_orders() -> int:
    return sum(poll_orders(c) for c in Channel.objects.filter(enabled=True, kind=Channel.Kind.SHOPIFY))


# --- tracking back -----------------------------------------------------------------------------


def push_tracking(order_id: int) -> bool:
    """A channel order shipped here: its tracking goes onto the platform's order."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or not order.channel.isdigit() or not order.tracking_number:
        return False
    channel = Channel.objects.filter(pk=int(order.channel), kind=Channel.Kind.SHOPIFY).first()
    intake = ChannelOrderIntake.objects.filter(channel=channel, order_number=order.number).first() if channel else None
    if intake is None:
        return False
    carrier = get_carrier(order.carrier)
    try:
        client_for(channel).fulfil(
            order_id=intake.external_id,
            number=order.tracking_number,
            company=carrier.name_en if carrier else order.carrier,
            url=carrier.tracking_url(order.tracking_number) if carrier else "",
        )
    except ShopifyError as exc:
        _record_error(channel, exc)
        raise
    return True


def describe_outcome(outcome: str) -> str:
    return {
        "created": _("已建单"),
        "duplicate": _("已存在，未重复建单"),
        "held": _("已记录问题，待处理"),
        "cancelled": _("平台上已取消，不再建单"),
    }.get(outcome, outcome)
