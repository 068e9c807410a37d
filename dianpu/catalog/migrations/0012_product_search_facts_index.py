"""A narrow index keyed by product id holding what a search list needs of each match besides its
rank (status, units sold, category, brand, lowest price): catalog.search counts, facets and ranks the
matches of a query through it (SQLite: INDEXED BY), one small index entry per match rather than a
row of the wide product table (descriptions, attributes) each. SQL of its own (not in Product.Meta):
only catalog.search names it."""

from django.db import migrations

SEARCH_FACTS_INDEX = "catalog_product_search_facts"


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0011_product_facets_index"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {SEARCH_FACTS_INDEX} ON catalog_product (id, status, sold_count, category_id, brand, min_price)",
            f"DROP INDEX IF EXISTS {SEARCH_FACTS_INDEX}",
        ),
    ]
