"""Use cases: competitors and their products, snapshots (with their alerts), suggested prices applied
through the catalog's pricing service, the fetcher run, and the daily competitor check."""

import logging
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction

from dianpu.audit.services import record_audit
from dianpu.catalog.models import Product
from dianpu.catalog.services import update_product
from dianpu.core import clock
from dianpu.core.actors import Actor
from dianpu.core.errors import ConflictError, DomainError
from dianpu.core.sanitize import clean_text

from . import queries
from .domain.alerts import Reading, changes_between, is_undercut, starts_promotion, suggest_price
from .domain.prices import parse_price
from .messages import MESSAGES
from .models import Alert, CheckItem, Competitor, CompetitorProduct, DailyCheck, Snapshot

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from .fetcher import FetchError


def _error(code: str, status: int = 422, **extra: Any) -> DomainError:
    text = MESSAGES[code]
    return DomainError(str(text) % extra if extra and "%(" in str(text) else text, code=code, status=status, **extra)


def _check_url(url: str, *, required: bool = False) -> str:
    url = (url or "").strip()
    if not url and not required:
        return ""
    if not url.lower().startswith(("http://", "https://")) or len(url) > 500:
        raise _error("url_invalid")
    return url


def create_competitor(
    *, name: str, platform: str = "", url: str = "", notes: str = "", actor: Actor = None
) -> Competitor:
    name = clean_text(name or "")[:120]
    if not name:
        raise _error("name_required")
    competitor = Competitor.objects.create(
        name=name, platform=clean_text(platform or "")[:40], url=_check_url(url), notes=(notes or "")[:2000]
    )
    record_audit(actor=actor, action="competitor.created", obj=competitor, changes={"name": (None, name)})
    return competitor


@transaction.atomic
def create_competitor_product(
    *,
    competitor_id: int,
    name: str,
    url: str = "",
    our_products: Sequence[str] = (),
    price_selector: str = "",
    promotion_selector: str = "",
    sales_selector: str = "",
    image_selector: str = "",
    undercut_margin_percent: object = None,
    actor: Actor = None,
) -> CompetitorProduct:
    competitor = queries.get_competitor(competitor_id)
    name = clean_text(name or "")[:200]
    if not name:
        raise _error("name_required")
    slugs = list(dict.fromkeys(our_products or []))
    found = list(Product.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {p.slug for p in found})
    if missing:
        raise _error("unknown_products", items="、".join(missing))
    margin = (
        Decimal("5") if undercut_margin_percent in (None, "") else _decimal(undercut_margin_percent, "price_invalid")
    )
    if margin > 100:
        raise _error("price_invalid")
    product = CompetitorProduct.objects.create(
        competitor=competitor,
        name=name,
        url=_check_url(url),
        price_selector=(price_selector or "")[:200],
        promotion_selector=(promotion_selector or "")[:200],
        sales_selector=(sales_selector or "")[:200],
        image_selector=(image_selector or "")[:200],
        undercut_margin_percent=margin,
    )
    product.our_products.set(found)
    record_audit(
        actor=actor,
        action="competitor.product_created",
        obj=product,
        changes={"name": (None, name), "our_products": (None, slugs)},
    )
    return product


def _decimal(value: object, code: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise _error(code) from None
    if not number.is_finite() or number < 0:
        raise _error(code)
    return number


def _price(value: object) -> Decimal:
    if value is None or str(value).strip().startswith("-"):
        raise _error("price_invalid")
    parsed = parse_price(str(value))
    if parsed is None or parsed >= Decimal("1e10"):
        raise _error("price_invalid")
    return parsed


def _count(value: object) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).replace(",", "").strip())
    except ValueError:
        raise _error("count_invalid") from None
    if number < 0 or number > 2_000_000_000:
        raise _error("count_invalid")
    return number


def _rating(value: object) -> Decimal | None:
    if value in (None, ""):
        return None
    rating = _decimal(value, "rating_invalid")
    if rating > 5:
        raise _error("rating_invalid")
    return rating.quantize(Decimal("0.01"))


@transaction.atomic
def record_snapshot(
    *,
    product: CompetitorProduct,
    price: object,
    promotion_text: str = "",
    sales_count: object = None,
    rating: object = None,
    review_count: object = None,
    main_image_url: str = "",
    detail_hash: str = "",
    source: str = Snapshot.Source.MANUAL,
    taken_at: datetime | None = None,
) -> Snapshot:
    """Store one reading of a competitor product and raise its alerts: for each of our mapped
    products, `undercut` when their price is below ours by more than the product's margin, and
    `promotion` when a promotion text appears or changes."""
    their_price = _price(price)
    reading = Reading(
        price=their_price,
        promotion_text=clean_text(promotion_text or "")[:300],
        sales_count=_count(sales_count),
        rating=_rating(rating),
        review_count=_count(review_count),
        main_image_url=(main_image_url or "")[:500],
        detail_hash=(detail_hash or "")[:64],
    )
    taken_at = taken_at or clock.now()
    previous = product.snapshots.filter(taken_at__lte=taken_at).order_by("-taken_at", "-id").first()
    before = (
        None
        if previous is None
        else Reading(
            price=previous.price,
            promotion_text=previous.promotion_text,
            sales_count=previous.sales_count,
            rating=previous.rating,
            review_count=previous.review_count,
            main_image_url=previous.main_image_url,
            detail_hash=previous.detail_hash,
        )
    )
    snapshot = Snapshot.objects.create(
        product=product,
        taken_at=taken_at,
        price=their_price,
        promotion_text=reading.promotion_text,
        sales_count=reading.sales_count,
        rating=reading.rating,
        review_count=reading.review_count,
        main_image_url=reading.main_image_url,
        detail_hash=reading.detail_hash,
        changes=changes_between(before, reading),
        source=source,
    )
    promotion = starts_promotion(before.promotion_text if before else "", reading.promotion_text)
    alerts = []
    for ours in product.our_products.prefetch_related("variants"):
        our_price = queries.our_price(ours)
        if our_price is None:
            continue
        common = dict(
            product=product,
            snapshot=snapshot,
            our_product=ours,
            their_price=their_price,
            our_price=our_price,
            created_at=taken_at,
        )
        # one open undercut alert per pair, unless they go lower still
        if (
            is_undercut(their_price, our_price, product.undercut_margin_percent)
            and not Alert.objects.filter(
                product=product,
                our_product=ours,
                kind=Alert.Kind.UNDERCUT,
                resolved_at__isnull=True,
                their_price__lte=their_price,
                our_price=our_price,
            ).exists()
        ):
            alerts.append(Alert(kind=Alert.Kind.UNDERCUT, **common))
        if promotion:
            alerts.append(Alert(kind=Alert.Kind.PROMOTION, promotion_text=reading.promotion_text, **common))
    Alert.objects.bulk_create(alerts)
    snapshot.new_alerts = alerts
    return snapshot


def suggested_price(product: CompetitorProduct, our_slug: str | None = None) -> dict[str, Any]:
    """{"our_product", "price", "floor", "their_price", "our_price"}: match their latest price, never
    below our floor (catalog: cost x (1 + minimum margin))."""
    ours_qs = product.our_products.prefetch_related("variants").order_by("id")
    if our_slug:
        ours_qs = ours_qs.filter(slug=our_slug)
    ours = ours_qs.first()
    latest = queries.previous_snapshot(product)
    our_price = queries.our_price(ours) if ours is not None else None
    if ours is None or our_price is None:
        raise _error("no_our_product")
    floor = queries.our_floor(ours)
    their = latest.price if latest is not None else our_price
    return {
        "our_product": ours.slug,
        "price": suggest_price(their_price=their, our_price=our_price, floor=floor),
        "floor": floor,
        "their_price": their,
        "our_price": our_price,
    }


def apply_suggested_price(*, alert: Alert, actor: Actor, ip_address: str | None = None) -> Decimal:
    """Set our product's price to the suggestion through the catalog pricing service (floor-checked,
    audited, in the price history); resolves the open alerts of that pair."""
    suggestion = suggested_price(alert.product, alert.our_product.slug)
    price: Decimal = suggestion["price"]
    ours = alert.our_product
    changes = {}
    for variant in ours.variants.filter(is_active=True):
        if variant.selling_price > price:
            fields: dict[str, Decimal | None] = {"price": price}
            if variant.sale_price is not None and variant.sale_price > price:
                fields["sale_price"] = None
            changes[variant.sku] = fields
    with transaction.atomic():
        if changes:
            update_product(
                actor=actor,
                product=ours,
                variant_changes=changes,
                reason=f"竞品价格 {alert.their_price}（{alert.product.name}）",
                ip_address=ip_address,
            )
        resolved = Alert.objects.filter(product=alert.product, our_product=ours, resolved_at__isnull=True).update(
            resolved_at=clock.now(), applied_price=price
        )
        record_audit(
            actor=actor,
            action="competitor.price_applied",
            obj=alert.product,
            changes={"price": (str(suggestion["our_price"]), str(price))},
            reason=f"alerts resolved: {resolved}",
            ip_address=ip_address,
        )
    return price


def resolve_alert(*, alert: Alert, actor: Actor) -> None:
    Alert.objects.filter(pk=alert.pk, resolved_at__isnull=True).update(resolved_at=clock.now())


def record_fetch_error(product_id: int, code: str, detail: str) -> None:
    CompetitorProduct.objects.filter(pk=product_id).update(
        last_error_code=code, last_error_detail=str(detail)[:300], last_fetched_at=clock.now()
    )


def fetch_product(product: CompetitorProduct, *, wait: bool = True) -> Snapshot:
    """Read the product's page now (outside any transaction), then store the snapshot; on a
    failure the error code lands on the product's row and no snapshot is written."""
    from .fetcher import FetchError, read_product_page

    try:
        reading = read_product_page(
            url=product.url,
            price_selector=product.price_selector,
            promotion_selector=product.promotion_selector,
            sales_selector=product.sales_selector,
            image_selector=product.image_selector,
            wait=wait,
        )
    except FetchError as error:
        record_fetch_error(product.pk, error.code, error.detail)
        raise _fetch_error(error) from None
    try:
        snapshot = record_snapshot(
            product=product,
            price=reading.price,
            promotion_text=reading.promotion_text,
            sales_count=reading.sales_count,
            main_image_url=reading.main_image_url,
            detail_hash=reading.detail_hash,
            source=Snapshot.Source.FETCH,
        )
    except DomainError as error:  # a price or count out of range: the page's figure is not usable
        record_fetch_error(product.pk, "price_unparsed", str(error.detail))
        raise _error("price_unparsed", text=str(reading.price)[:80]) from None
    CompetitorProduct.objects.filter(pk=product.pk).update(
        last_error_code="", last_error_detail="", last_fetched_at=clock.now()
    )
    return snapshot


def _fetch_error(error: "FetchError") -> DomainError:
    from .messages import FETCH_REASONS

    if error.code == "fetch_failed":
        return _error("fetch_failed", reason=str(FETCH_REASONS.get(error.reason, error.reason)))
    if error.code == "price_unparsed":
        return _error("price_unparsed", text=error.detail[:80])
    return _error(error.code)


def fetch_all_products() -> dict[str, Any]:
    """The scheduled run: every product with a URL and a price selector, each on its own — one
    failing never stops the next. Returns {"fetched": n, "failed": {id: code}}."""
    fetched, failed = 0, {}
    for product_id in queries.list_fetchable_product_ids():
        try:
            fetch_product(queries.get_competitor_product(product_id))
            fetched += 1
        except DomainError as error:
            failed[product_id] = error.code
        except Exception:  # noqa: BLE001 - one product's bug must not stop the run
            log.exception("competitor fetch crashed", extra={"competitor_product": product_id})
            record_fetch_error(product_id, "fetch_failed", "internal error")
            failed[product_id] = "fetch_failed"
    return {"fetched": fetched, "failed": failed}


# --- the daily competitor check ---------------------------------------------------------------


@transaction.atomic
def start_check(*, actor: Actor) -> DailyCheck:
    """Open today's check (or return the one still open) with every snapshot that changed something
    since the last finished check."""
    current = queries.open_check()
    if current is not None:
        return current
    last = queries.last_finished_check()
    since = last.started_at if last else None
    check = DailyCheck.objects.create(
        started_at=clock.now(), checked_by=actor if actor and actor.pk else None, since=since
    )
    snaps = Snapshot.objects.exclude(changes=[])
    if since is not None:
        snaps = snaps.filter(taken_at__gt=since)
    alerted = Snapshot.objects.filter(alerts__isnull=False)
    if since is not None:
        alerted = alerted.filter(taken_at__gt=since)
    ids = set(snaps.values_list("id", flat=True)[:500]) | set(alerted.values_list("id", flat=True)[:500])
    items = []
    for snap in Snapshot.objects.filter(id__in=ids).order_by("taken_at"):
        changes = list(snap.changes or [])
        kinds = sorted(set(snap.alerts.values_list("kind", flat=True)))
        items.append(
            CheckItem(check_run=check, snapshot=snap, changes=changes + [k for k in kinds if k not in changes])
        )
    CheckItem.objects.bulk_create(items)
    return check


def tick_check_item(*, check: DailyCheck, item_id: int, note: str = "", actor: Actor = None) -> None:
    if check.finished_at is not None:
        raise ConflictError(MESSAGES["check_finished"], code="check_finished")
    updated = CheckItem.objects.filter(pk=item_id, check_run=check, check_run__finished_at__isnull=True).update(
        ticked_at=clock.now(), note=clean_text(note or "")[:300]
    )
    if updated != 1:
        raise _error("check_not_found", status=404)


def finish_check(*, check: DailyCheck, actor: Actor = None) -> DailyCheck:
    if DailyCheck.objects.filter(pk=check.pk, finished_at__isnull=True).update(finished_at=clock.now()) != 1:
        raise ConflictError(MESSAGES["check_finished"], code="check_finished")
    check.refresh_from_db()
    record_audit(
        actor=actor,
        action="competitor.check_finished",
        obj=check,
        changes={"minutes": (None, str(check.minutes_taken))},
    )
    return check


# --- import ---------------------------------------------------------------------------------------


def import_snapshots(*, data: bytes, filename: str, actor: Actor = None) -> int:
    """Snapshots from a CSV/XLSX file (columns competitor_product_id / 竞品商品ID, taken_at / 时间,
    price / 价格, and optional promotion, sales, rating, reviews). All or nothing: any bad row or
    unknown product refuses the file with its lines; alerts are raised as for any snapshot."""
    from django.utils import timezone

    from dianpu.catalog.spreadsheets import TableError, read_table

    from .domain.sheets import map_header, parse_rows

    try:
        table = read_table(data, filename)
    except (TableError, UnicodeDecodeError, ValueError):
        raise _error("import_unreadable") from None
    columns, missing = map_header(table.header)
    if missing:
        raise _error("import_columns", columns=", ".join(missing))
    rows, errors = parse_rows(columns, table.rows)
    known = set(
        CompetitorProduct.objects.filter(pk__in={r.competitor_product_id for r in rows}).values_list("id", flat=True)
    )
    errors += [(r.line, "competitor_product_id") for r in rows if r.competitor_product_id not in known]
    if errors:
        lines = ", ".join(f"{line}:{code}" for line, code in sorted(errors)[:20])
        raise _error("import_refused", lines=lines)
    products = CompetitorProduct.objects.in_bulk(list(known))
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        for row in sorted(rows, key=lambda r: (r.competitor_product_id, r.taken_at)):
            record_snapshot(
                product=products[row.competitor_product_id],
                price=row.price,
                promotion_text=row.promotion_text,
                sales_count=row.sales_count,
                rating=row.rating,
                review_count=row.review_count,
                source=Snapshot.Source.IMPORT,
                taken_at=timezone.make_aware(row.taken_at, tz),
            )
        record_audit(
            actor=actor,
            action="competitor.snapshots_imported",
            object_type="competitors.snapshot",
            changes={"rows": (None, len(rows))},
            reason=filename[:100],
        )
    return len(rows)
