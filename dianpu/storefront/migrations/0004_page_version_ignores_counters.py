"""Every sale used to bump the page version three times (the product's sold count, the promotion's
flash units sold, the stock level's reserved units): each checkout emptied the whole page cache, and
on PostgreSQL every checkout queued on the one page-version row until the one before it committed.

None of those counters shows on a cached page (the bestselling order may lag by the cache's five
minutes at most), so from here on:
- a product or a promotion bumps on an UPDATE OF any column but its counter (`sold_count`,
  `flash_sold`): Django's `save()` names every column, the counters' conditional `update()` only
  its own (a test checks that the lists name every other column, so a new column cannot be missed);
- a stock level bumps on an UPDATE only where its SKU goes in or out of stock in that warehouse
  (on hand above reserved before and not after, or the other way): the storefront shows in stock /
  sold out, never a count. Inserts and deletes bump as before.
"""

from django.db import migrations

BUMP = "UPDATE storefront_pageversion SET value = value + 1 WHERE id = 1"
COUNTERS = {"catalog_product": "sold_count", "promotions_promotion": "flash_sold"}
STOCK = "inventory_stocklevel"
CROSSED = "(o.on_hand > o.reserved) <> (n.on_hand > n.reserved)"


def watched_columns(connection, table: str) -> list[str]:
    with connection.cursor() as cursor:
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
    return [connection.ops.quote_name(c) for c in columns if c != COUNTERS[table]]


def _sqlite(connection, forward: bool) -> list[str]:
    statements = []
    for table in COUNTERS:
        name = f"storefront_pv_{table}_update"
        statements.append(f"DROP TRIGGER IF EXISTS {name}")
        of = f" OF {', '.join(watched_columns(connection, table))}" if forward else ""
        statements.append(f"CREATE TRIGGER {name} AFTER UPDATE{of} ON {table} BEGIN {BUMP}; END")
    name = f"storefront_pv_{STOCK}_update"
    when = f" WHEN {CROSSED.replace('o.', 'OLD.').replace('n.', 'NEW.')}" if forward else ""
    statements += [
        f"DROP TRIGGER IF EXISTS {name}",
        f"CREATE TRIGGER {name} AFTER UPDATE ON {STOCK}{when} BEGIN {BUMP}; END",
    ]
    return statements


def _postgres(connection, forward: bool) -> list[str]:
    all_events = "INSERT OR UPDATE OR DELETE"
    if not forward:
        return [
            *(
                f"DROP TRIGGER IF EXISTS {n} ON {t}"
                for t in [*COUNTERS, STOCK]
                for n in ("storefront_pv", "storefront_pv_insert_delete", "storefront_pv_update")
            ),
            *(
                f"""CREATE TRIGGER storefront_pv AFTER {all_events} ON {t}
                      FOR EACH STATEMENT EXECUTE FUNCTION storefront_bump_page_version()"""
                for t in [*COUNTERS, STOCK]
            ),
            "DROP FUNCTION IF EXISTS storefront_bump_page_version_on_stock_crossing()",
        ]
    statements = []
    for table in COUNTERS:
        statements += [
            f"DROP TRIGGER IF EXISTS storefront_pv ON {table}",
            f"""CREATE TRIGGER storefront_pv_insert_delete AFTER INSERT OR DELETE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION storefront_bump_page_version()""",
            f"""CREATE TRIGGER storefront_pv_update AFTER UPDATE OF {", ".join(watched_columns(connection, table))}
                ON {table} FOR EACH STATEMENT EXECUTE FUNCTION storefront_bump_page_version()""",
        ]
    # A statement trigger that sees the rows it changed (transition tables): a bulk update of
    # 100,000 levels still bumps once, and a reservation that leaves stock on the shelf not at all.
    statements += [
        f"""CREATE FUNCTION storefront_bump_page_version_on_stock_crossing() RETURNS trigger AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM old_levels o JOIN new_levels n ON n.id = o.id WHERE {CROSSED}) THEN
            {BUMP};
          END IF;
          RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        f"DROP TRIGGER IF EXISTS storefront_pv ON {STOCK}",
        f"""CREATE TRIGGER storefront_pv_insert_delete AFTER INSERT OR DELETE ON {STOCK}
            FOR EACH STATEMENT EXECUTE FUNCTION storefront_bump_page_version()""",
        f"""CREATE TRIGGER storefront_pv_update AFTER UPDATE ON {STOCK}
            REFERENCING OLD TABLE AS old_levels NEW TABLE AS new_levels
            FOR EACH STATEMENT EXECUTE FUNCTION storefront_bump_page_version_on_stock_crossing()""",
    ]
    return statements


def _run(forward: bool):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        for sql in {"sqlite": _sqlite, "postgresql": _postgres}.get(connection.vendor, lambda c, f: [])(
            connection, forward
        ):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("storefront", "0003_page_version_watches_shop_settings"),
        ("catalog", "0010_variant_english_option_values"),
        ("inventory", "0006_fill_stock_summaries"),
        ("promotions", "0002_exclusive_promotion_lock"),
    ]

    operations = [migrations.RunPython(_run(True), _run(False))]
