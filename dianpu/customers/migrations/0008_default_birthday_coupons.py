from decimal import Decimal

from django.db import migrations

# The default tiers' birthday coupon (amount, minimum spend); a shop changes them per tier.
BIRTHDAY = {
    "silver": (Decimal("10"), Decimal("99")),
    "gold": (Decimal("30"), Decimal("199")),
    "diamond": (Decimal("50"), Decimal("299")),
}


def add_birthday_coupons(apps, schema_editor):
    MembershipTier = apps.get_model("customers", "MembershipTier")
    for code, (amount, min_spend) in BIRTHDAY.items():
        MembershipTier.objects.filter(code=code, birthday_coupon_amount=0).update(
            birthday_coupon_amount=amount, birthday_coupon_min_spend=min_spend
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_phone_codes_member_coupons_tracking")]
    operations = [migrations.RunPython(add_birthday_coupons, migrations.RunPython.noop)]
