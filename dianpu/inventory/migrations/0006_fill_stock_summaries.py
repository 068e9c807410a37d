"""Existing shops: every SKU's stock summary from the raw tables (the services keep it from then
on). It calls today's code (`inventory.summaries.rebuild_summaries`), so it runs after the latest
migrations of the tables that code reads; on a new, empty shop it does nothing. If it ever fails
on an old shop, migrate with it faked and run `dianpu rebuild-stock-summaries` afterwards."""

from django.db import migrations


def fill_summaries(apps, schema_editor):
    Variant = apps.get_model("catalog", "Variant")
    StockSummary = apps.get_model("inventory", "StockSummary")
    if Variant.objects.exists() and not StockSummary.objects.exists():
        from dianpu.inventory.summaries import rebuild_summaries

        rebuild_summaries()


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0005_warehouse_english_name"),
        ("catalog", "0010_variant_english_option_values"),
        ("orders", "0004_merge_review_and_pricing"),
        ("purchasing", "0001_suppliers_and_purchase_orders"),
    ]

    operations = [migrations.RunPython(fill_summaries, migrations.RunPython.noop)]
