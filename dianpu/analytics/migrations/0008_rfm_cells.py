"""The RFM cells (per last order's day × frequent × high value: buyers and money), cut from the buyer
summaries under the shop's rule of now, and the rule they were cut by. Reversing drops them.

Written with its own copy of the bands (frequent: at least `loyal_orders` orders; high value: spent
at least the amount, in fen rounded up), so later changes to analytics.services or its domain never
change what this migration does; it gives the same rows as services.rebuild_rfm_cells."""

from decimal import ROUND_CEILING, Decimal

from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor) -> None:
    cell_model = apps.get_model("analytics", "RfmCell")
    rule_model = apps.get_model("analytics", "RfmCellRule")
    summary_model = apps.get_model("analytics", "BuyerSummary")
    cfg = settings.ANALYTICS_RFM_RULE
    loyal_orders = int(cfg["loyal_orders"])
    high_fen = int((Decimal(str(cfg["high_value_amount"])) * 100).to_integral_value(rounding=ROUND_CEILING))
    quote = schema_editor.connection.ops.quote_name
    cells, summaries = quote(cell_model._meta.db_table), quote(summary_model._meta.db_table)
    cell_model.objects.all().delete()
    rule_model.objects.all().delete()
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {cells} (last_day, frequent, high_value, customers, spent_fen) "
            "SELECT last_day, orders >= %s, spent_fen >= %s, COUNT(*), SUM(spent_fen) "
            f"FROM {summaries} WHERE orders > 0 GROUP BY 1, 2, 3",
            [loyal_orders, high_fen],
        )
    rule_model.objects.create(loyal_orders=loyal_orders, high_value_fen=high_fen)


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0007_fill_buyer_summaries"),
    ]

    operations = [
        migrations.CreateModel(
            name="RfmCellRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("loyal_orders", models.IntegerField()),
                ("high_value_fen", models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name="RfmCell",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("last_day", models.DateField()),
                ("frequent", models.BooleanField()),
                ("high_value", models.BooleanField()),
                ("customers", models.IntegerField(default=0)),
                ("spent_fen", models.BigIntegerField(default=0)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("last_day", "frequent", "high_value"), name="one_rfm_cell")
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
