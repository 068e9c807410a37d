"""A review written, hidden or shown changes the product page (its reviews, average and count):
bump the storefront's page version like a product change does (storefront 0002), so a cached
product page never keeps showing reviews as they were."""

from django.db import migrations

TABLES = ("reviews_review", "reviews_reviewimage")
EVENTS = ("insert", "update", "delete")
BUMP = "UPDATE storefront_pageversion SET value = value + 1 WHERE id = 1"


def _statements(vendor: str, forward: bool) -> list[str]:
    statements = []
    for table in TABLES:
        if vendor == "sqlite":
            statements += [
                f"CREATE TRIGGER storefront_pv_{table}_{e} AFTER {e.upper()} ON {table} BEGIN {BUMP}; END"
                if forward
                else f"DROP TRIGGER IF EXISTS storefront_pv_{table}_{e}"
                for e in EVENTS
            ]
        elif vendor == "postgresql":
            statements.append(
                f"""CREATE TRIGGER storefront_pv AFTER INSERT OR UPDATE OR DELETE ON {table}
                    FOR EACH STATEMENT EXECUTE FUNCTION storefront_bump_page_version()"""
                if forward
                else f"DROP TRIGGER IF EXISTS storefront_pv ON {table}"
            )
    return statements


def _run(forward: bool):
    def run(apps, schema_editor):
        for sql in _statements(schema_editor.connection.vendor, forward):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_reviews_and_images"),
        ("storefront", "0004_page_version_ignores_counters"),
    ]

    operations = [migrations.RunPython(_run(True), _run(False))]
