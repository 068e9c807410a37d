"""Triggers that bump storefront_pageversion in the same transaction as every change a cached page
shows, whichever code writes it (services, bulk import, demo seeding, raw SQL). SQLite: a row
trigger (writes are serialised there anyway). PostgreSQL: a statement trigger (one bump per
statement, so a bulk UPDATE of 100,000 stock levels bumps once)."""

import time

from django.db import migrations

WATCHED = [
    "catalog_product",
    "catalog_variant",
    "catalog_productimage",
    "catalog_category",
    "catalog_product_tags",
    "catalog_tag",
    "catalog_brand",
    "inventory_stocklevel",
    "marketing_banner",
    "marketing_featuredslot",
    "promotions_promotion",
]
EVENTS = ("insert", "update", "delete")
BUMP = "UPDATE storefront_pageversion SET value = value + 1 WHERE id = 1"


def _sqlite(forward: bool) -> list[str]:
    statements = []
    for table in WATCHED:
        for event in EVENTS:
            name = f"storefront_pv_{table}_{event}"
            statements.append(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} BEGIN {BUMP}; END"
                if forward
                else f"DROP TRIGGER IF EXISTS {name}"
            )
    return statements


def _postgres(forward: bool) -> list[str]:
    if not forward:
        return [f"DROP TRIGGER IF EXISTS storefront_pv ON {t}" for t in WATCHED] + [
            "DROP FUNCTION IF EXISTS storefront_bump_page_version()"
        ]
    return [
        f"""CREATE FUNCTION storefront_bump_page_version() RETURNS trigger AS $$
        BEGIN {BUMP}; RETURN NULL; END $$ LANGUAGE plpgsql""",
        *(
            f"""CREATE TRIGGER storefront_pv AFTER INSERT OR UPDATE OR DELETE ON {t}
              FOR EACH STATEMENT EXECUTE FUNCTION storefront_bump_page_version()"""
            for t in WATCHED
        ),
    ]


def _run(forward: bool):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if forward:
            # Start from the clock, so a database restored or created anew never reuses the
            # versions of pages a shared cache (Redis) may still hold.
            apps.get_model("storefront", "PageVersion").objects.get_or_create(
                id=1, defaults={"value": int(time.time() * 1000)}
            )
        for sql in {"sqlite": _sqlite, "postgresql": _postgres}.get(vendor, lambda f: [])(forward):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("storefront", "0001_page_version"),
        ("catalog", "0007_fulltext_search_index"),
        ("inventory", "0003_stocktake_and_low_stock_alerts"),
        ("marketing", "0004_email_campaigns_and_cart_recovery"),
        ("promotions", "0002_exclusive_promotion_lock"),
    ]

    operations = [migrations.RunPython(_run(True), _run(False))]
