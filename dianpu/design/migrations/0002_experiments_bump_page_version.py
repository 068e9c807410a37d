"""A main-image experiment started, stopped or applied changes what the storefront's product cards
carry (the images of each arm): bump the storefront's page version like a product change does
(storefront 0002), so a cached page never keeps showing a test that ended."""

from django.db import migrations

TABLES = ("design_experiment", "design_experimentarm")
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
        ("design", "0001_briefs_drafts_experiments"),
        ("storefront", "0003_page_version_watches_shop_settings"),
    ]

    operations = [migrations.RunPython(_run(True), _run(False))]
