"""Traffic and spend: ad spend imported per channel and day (CSV/XLSX), revenue, ROAS and cost
per order per channel from the orders' attribution, affiliates / KOL codes and commissions.

Use cases (import_ad_spend, create_affiliate) and reads (report_channels, report_commissions)
of one concern, kept together.
"""

import csv
import io
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from dianpu import events
from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.errors import ValidationFailed
from dianpu.core.uploads import (
    MB,
    UploadLimits,
    UploadRefused,
    bounded_rows,
    check_spreadsheet,
    check_text_rows,
    trimmed,
)
from dianpu.orders.models import Order
from dianpu.promotions.models import Coupon, CouponRedemption

from .domain.traffic import channel_of, commission, cost_per_order, parse_ad_spend, roas
from .messages import FIELD_ERRORS, IMPORT_ERRORS, MESSAGES
from .models import AdSpend, Affiliate

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
UPLOAD_LIMITS = UploadLimits(
    max_bytes=MAX_BYTES, max_unpacked_bytes=50 * MB, max_rows=MAX_ROWS, max_columns=50, max_cell_chars=1000
)


def _read_rows(content: bytes, filename: str) -> list[list]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # not a readable workbook, whatever the library says
            raise ValidationFailed(
                {"file": str(IMPORT_ERRORS["file_unreadable"])}, detail=str(IMPORT_ERRORS["file_unreadable"])
            ) from None
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=UPLOAD_LIMITS.max_columns + 1)
        return [row for _n, row in bounded_rows(((n, trimmed(r)) for n, r in enumerate(rows, start=1)), UPLOAD_LIMITS)]
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationFailed(
            {"file": str(IMPORT_ERRORS["file_unreadable"])}, detail=str(IMPORT_ERRORS["file_unreadable"])
        )
    check_text_rows(text, UPLOAD_LIMITS)
    return [row for _n, row in bounded_rows(enumerate(csv.reader(io.StringIO(text)), start=1), UPLOAD_LIMITS)]


def _line_error(entry: str) -> str:
    line, code, *rest = entry.split(":")
    text = str(IMPORT_ERRORS[code]) % {"columns": rest[0] if rest else ""}
    return _("第 %(line)s 行：%(error)s") % {"line": line, "error": text}


@transaction.atomic
def import_ad_spend(*, content: bytes, filename: str, actor=None) -> int:
    """Save every row of a spend sheet (date, channel, spend[, campaign, clicks, impressions]);
    a row for a day/channel/campaign already there replaces it. Any bad row: nothing is saved,
    and the error names each bad line. Returns the number of rows saved."""
    try:
        check_spreadsheet(content, UPLOAD_LIMITS)  # size, and an XLSX's declared sizes, before reading
        rows, errors = parse_ad_spend(_read_rows(content, filename))
    except UploadRefused as exc:
        refused = ValidationFailed({"file": str(exc.detail)}, detail=str(exc.detail))
        refused.code, refused.status = exc.code, exc.status
        raise refused from None
    if errors:
        texts = [_line_error(e) for e in errors[:20]]
        raise ValidationFailed({"file": "；".join(texts)}, detail=str(MESSAGES["import_refused"]))
    for row in rows:
        saved, _created = AdSpend.objects.update_or_create(
            day=row.day,
            channel=row.channel,
            campaign=row.campaign,
            defaults={"spend": row.spend, "clicks": row.clicks, "impressions": row.impressions},
        )
        events.publish(events.AdSpendRecorded(saved.pk, saved.day, saved.channel, saved.campaign, saved.spend))
    record_audit(
        actor=actor,
        action="ad_spend.imported",
        object_type="marketing.adspend",
        object_id="-",
        object_repr=filename[:200],
        changes={"rows": ("", len(rows))},
    )
    return len(rows)


@transaction.atomic
def create_affiliate(*, code: str, name: str, commission_rate, coupon_code: str = "", actor=None) -> Affiliate:
    errors = {}
    code = (code or "").strip()
    if not code or len(code) > 40 or not all(ch.isalnum() or ch in "-_" for ch in code):
        errors["code"] = "code_invalid"
    elif Affiliate.objects.filter(code__iexact=code).exists():
        errors["code"] = "code_taken"
    if not (name or "").strip():
        errors["name"] = "required"
    try:
        rate = Decimal(str(commission_rate))
    except Exception:  # noqa: BLE001 - any unparsable input is the same user error
        rate = None
    if rate is None or not rate.is_finite() or not 0 <= rate <= 1:
        errors["commission_rate"] = "rate_invalid"
    coupon = None
    if coupon_code:
        coupon = Coupon.objects.filter(code__iexact=coupon_code.strip()).first()
        if coupon is None:
            errors["coupon"] = "coupon_unknown"
    if errors:
        raise ValidationFailed({k: str(FIELD_ERRORS[v]) for k, v in errors.items()}, detail=str(MESSAGES["invalid"]))
    affiliate = Affiliate.objects.create(
        code=code, name=name.strip()[:100], commission_rate=rate, coupon=coupon, created_at=clock.now()
    )
    record_audit(actor=actor, action="affiliate.created", obj=affiliate, changes={"commission_rate": ("", rate)})
    return affiliate


COUNTED = ~Q(status=Order.Status.CANCELLED)


def report_channels(start, end) -> list[dict]:
    """Per channel in [start, end): orders, revenue (what buyers pay), ad spend, ROAS, cost per order."""
    rows: dict[str, dict] = defaultdict(
        lambda: {"orders": 0, "revenue": Decimal("0.00"), "spend": Decimal("0.00"), "clicks": 0}
    )
    for source, host, total in Order.objects.filter(COUNTED, placed_at__gte=start, placed_at__lt=end).values_list(
        "utm_source", "referrer_host", "grand_total"
    ):
        row = rows[channel_of(source, host)]
        row["orders"] += 1
        row["revenue"] += total
    for channel, spend, clicks in (
        AdSpend.objects.filter(day__gte=start.date(), day__lt=end.date())
        .values("channel")
        .annotate(spend=Sum("spend"), clicks=Sum("clicks"))
        .values_list("channel", "spend", "clicks")
    ):
        rows[channel]["spend"] += spend
        rows[channel]["clicks"] += clicks or 0
    out = [
        {
            "channel": ch,
            **r,
            "roas": roas(r["revenue"], r["spend"]),
            "cost_per_order": cost_per_order(r["spend"], r["orders"]),
        }
        for ch, r in rows.items()
    ]
    return sorted(out, key=lambda r: (-r["revenue"], r["channel"]))


def report_commissions(start, end) -> list[dict]:
    """Per affiliate in [start, end): orders via its code or coupon, goods paid, commission."""
    out = []
    for a in Affiliate.objects.select_related("coupon"):
        match = Q(utm_source__iexact=a.code)
        if a.coupon_id:
            match |= Q(id__in=CouponRedemption.objects.filter(coupon_id=a.coupon_id).values("order_id"))
        orders = Order.objects.filter(COUNTED, match, placed_at__gte=start, placed_at__lt=end)
        agg = orders.aggregate(goods=Sum("subtotal"), discount=Sum("discount_total"))
        goods = (agg["goods"] or Decimal("0.00")) - (agg["discount"] or Decimal("0.00"))
        out.append(
            {
                "code": a.code,
                "name": a.name,
                "rate": a.commission_rate,
                "orders": orders.count(),
                "revenue": goods,
                "commission": commission(goods, a.commission_rate),
            }
        )
    return out
