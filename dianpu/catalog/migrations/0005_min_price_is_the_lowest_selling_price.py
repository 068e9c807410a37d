"""Product.min_price (cards, sorting, price filters) is now the lowest *selling* price: recompute it
for products with a sale price below the list price."""

from django.db import migrations
from django.db.models import F


def recompute(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Variant = apps.get_model("catalog", "Variant")
    ids = set(Variant.objects.filter(sale_price__lt=F("price")).values_list("product_id", flat=True))
    for product_id in ids:
        prices = [
            min(p, s) if s is not None else p
            for p, s in Variant.objects.filter(product_id=product_id, is_active=True).values_list("price", "sale_price")
        ]
        if prices:
            Product.objects.filter(pk=product_id).update(min_price=min(prices))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_private_import_files"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
