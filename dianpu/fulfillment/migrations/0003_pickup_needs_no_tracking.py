from django.db import migrations, models


def pickup_has_no_carrier(apps, schema_editor):
    ShippingMethod = apps.get_model("fulfillment", "ShippingMethod")
    ShippingMethod.objects.filter(code="pickup").update(needs_tracking=False)


class Migration(migrations.Migration):
    dependencies = [("fulfillment", "0002_default_shipping_methods")]
    operations = [
        migrations.AddField(
            model_name="shippingmethod",
            name="needs_tracking",
            field=models.BooleanField(default=True, verbose_name="需要承运商与运单号"),
        ),
        migrations.RunPython(pickup_has_no_carrier, migrations.RunPython.noop),
    ]
