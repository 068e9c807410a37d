"""Fill the buyer summaries and cohort cells of a shop that already has orders (a no-op on a new one).
Reversing empties them."""

from django.db import migrations


def fill(apps, schema_editor):
    if not apps.get_model("orders", "Order").objects.exists():
        return
    from dianpu.analytics.services import rebuild_buyer_summaries

    rebuild_buyer_summaries()


def empty(apps, schema_editor):
    for name in ("BuyerSummary", "BuyerMonth", "CohortMonth"):
        apps.get_model("analytics", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0006_buyer_summary_and_cohorts"),
        ("orders", "0005_search_indexes"),
    ]

    operations = [migrations.RunPython(fill, empty)]
