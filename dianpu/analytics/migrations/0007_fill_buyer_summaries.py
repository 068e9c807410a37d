"""Fill the buyer summaries and cohort cells of a shop that already has orders (a no-op on a new one).
Reversing empties them.

Written against the historical models only, with the rules of the time copied here (a buyer is an
e-mail; orders not cancelled count; money in integer fen; days and months in the shop's time zone),
so later changes to analytics.services or its domain never change what this migration does. It gives
the same rows as services.rebuild_buyer_summaries (a test compares them)."""

from collections import Counter, defaultdict
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

CHUNK = 5000


def _months_between(first, later) -> int:
    return (later.year - first.year) * 12 + later.month - first.month


def fill(apps, schema_editor) -> None:
    order_model = apps.get_model("orders", "Order")
    if not order_model.objects.exists():
        return
    summary_model = apps.get_model("analytics", "BuyerSummary")
    month_model = apps.get_model("analytics", "BuyerMonth")
    cohort_model = apps.get_model("analytics", "CohortMonth")
    tz = ZoneInfo(settings.TIME_ZONE)
    # email → [orders, spent_fen, first_day, last_day, months]
    buyers: dict = {}
    for email, placed_at, total in (
        order_model.objects.exclude(status="cancelled")
        .order_by()
        .values_list("email", "placed_at", "grand_total")
        .iterator(chunk_size=10_000)
    ):
        day = placed_at.astimezone(tz).date()
        fen = int((Decimal(total) * 100).to_integral_value())
        b = buyers.get(email)
        if b is None:
            buyers[email] = [1, fen, day, day, {day.replace(day=1)}]
            continue
        b[0] += 1
        b[1] += fen
        b[2] = min(b[2], day)
        b[3] = max(b[3], day)
        b[4].add(day.replace(day=1))
    cells: Counter = Counter()
    for _orders, _fen, _first, _last, months in buyers.values():
        first = min(months)
        cells[(first, 0, "customers")] += 1
        if len(months) > 1:
            cells[(first, 0, "repeaters")] += 1
        for month in months:
            if month != first:
                cells[(first, _months_between(first, month), "customers")] += 1
    for model in (summary_model, month_model, cohort_model):
        model.objects.all().delete()
    emails = list(buyers)
    for offset in range(0, len(emails), CHUNK):
        summary_model.objects.bulk_create(
            [
                summary_model(
                    email=email,
                    orders=b[0],
                    spent_fen=b[1],
                    first_day=b[2],
                    last_day=b[3],
                    first_month=min(b[4]),
                    active_months=len(b[4]),
                )
                for email, b in ((e, buyers[e]) for e in emails[offset : offset + CHUNK])
            ]
        )
    rows: list = []
    for email, b in buyers.items():
        rows.extend(month_model(email=email, month=m) for m in b[4])
        if len(rows) >= CHUNK:
            month_model.objects.bulk_create(rows)
            rows = []
    month_model.objects.bulk_create(rows)
    table: dict = defaultdict(dict)
    for (cohort, offset, column), n in cells.items():
        table[(cohort, offset)][column] = n
    cohort_model.objects.bulk_create(
        [cohort_model(cohort=c, offset=o, **figures) for (c, o), figures in table.items()], batch_size=CHUNK
    )


def empty(apps, schema_editor) -> None:
    for name in ("BuyerSummary", "BuyerMonth", "CohortMonth"):
        apps.get_model("analytics", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0006_buyer_summary_and_cohorts"),
        ("orders", "0005_search_indexes"),
    ]

    operations = [migrations.RunPython(fill, empty)]
