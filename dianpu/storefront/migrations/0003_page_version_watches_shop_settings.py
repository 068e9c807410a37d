"""The shop's settings show on every cached page (name, logo, contact, the language switcher): a
change to them bumps the page version like a product change (see 0002)."""

from django.db import migrations

TABLE = "shop_shopsettings"
EVENTS = ("insert", "update", "delete")
BUMP = "UPDATE storefront_pageversion SET value = value + 1 WHERE id = 1"


def _statements(vendor: str, forward: bool) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER storefront_pv_{TABLE}_{e} AFTER {e.upper()} ON {TABLE} BEGIN {BUMP}; END"
            if forward
            else f"DROP TRIGGER IF EXISTS storefront_pv_{TABLE}_{e}"
            for e in EVENTS
        ]
    if vendor == "postgresql":
        return [
            f"""CREATE TRIGGER storefront_pv AFTER INSERT OR UPDATE OR DELETE ON {TABLE}
                    FOR EACH STATEMENT EXECUTE FUNCTION storefront_bump_page_version()"""
            if forward
            else f"DROP TRIGGER IF EXISTS storefront_pv ON {TABLE}"
        ]
    return []


def _run(forward: bool):
    def run(apps, schema_editor):
        for sql in _statements(schema_editor.connection.vendor, forward):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("storefront", "0002_page_version_triggers"),
        ("shop", "0002_payment_methods_and_languages"),
    ]

    operations = [migrations.RunPython(_run(True), _run(False))]
