from decimal import Decimal

from django.db import migrations

DEFAULTS = [
    # code, name, name_en, fee, free_over, days min, days max
    ("standard", "普通快递", "Standard delivery", Decimal("8.00"), Decimal("99.00"), 2, 5),
    ("express", "顺丰次日达", "Next-day express", Decimal("18.00"), None, 1, 2),
    ("pickup", "门店自提", "Pick up in store", Decimal("0.00"), None, 0, 1),
]


def create_defaults(apps, schema_editor):
    ShippingMethod = apps.get_model("fulfillment", "ShippingMethod")
    for position, (code, name, name_en, fee, free_over, dmin, dmax) in enumerate(DEFAULTS):
        ShippingMethod.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                name_en=name_en,
                fee=fee,
                free_over=free_over,
                delivery_days_min=dmin,
                delivery_days_max=dmax,
                position=position,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
