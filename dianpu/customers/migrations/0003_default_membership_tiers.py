from decimal import Decimal

from django.db import migrations

TIERS = [
    ("silver", "银卡会员", "Silver", 1, Decimal("1000"), Decimal("0"), True, False),
    ("gold", "金卡会员", "Gold", 2, Decimal("5000"), Decimal("5"), True, True),
    ("diamond", "钻石会员", "Diamond", 3, Decimal("20000"), Decimal("10"), True, True),
]


def add_tiers(apps, schema_editor):
    MembershipTier = apps.get_model("customers", "MembershipTier")
    for code, name, name_en, rank, min_spend, percent, member_price, free_shipping in TIERS:
        MembershipTier.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                name_en=name_en,
                rank=rank,
                min_spend=min_spend,
                discount_percent=percent,
                member_price=member_price,
                free_shipping=free_shipping,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_accounts_points_tiers_privacy")]
    operations = [migrations.RunPython(add_tiers, migrations.RunPython.noop)]
