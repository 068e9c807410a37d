"""The demo's CRM: some buyers open accounts (verified, with saved addresses and consent), earn
points for their paid orders through the customers app's services, members get tiers and
segments from their history, a few SKUs carry member prices, and a rule segment and holiday
greetings are set up. Cheap: a few hundred service calls."""

import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from dianpu.catalog.models import Variant
from dianpu.core import clock
from dianpu.core.errors import ValidationFailed
from dianpu.customers import outreach, services
from dianpu.customers.models import Customer

DEMO_PASSWORD = "dianpu-demo-2026"  # every demo account (docs/guide/customers.md)


class Crm:
    def __init__(self, rng: random.Random, *, as_of):
        self.rng = rng
        self.as_of = as_of

    def run(self) -> dict:
        now = clock.now()
        password = make_password(DEMO_PASSWORD)
        buyers = list(Customer.objects.filter(orders__paid_at__isnull=False).distinct().order_by("id")
                      .values_list("id", flat=True))
        accounts = sorted(self.rng.sample(buyers, min(len(buyers), max(10, len(buyers) // 5))))
        Customer.objects.filter(pk__in=accounts).update(password=password, signed_up_at=now, email_verified_at=now,
                                                       consent_email=True)
        Customer.objects.filter(pk__in=accounts[::3]).update(consent_sms=True)
        earned = 0
        for customer in Customer.objects.filter(pk__in=accounts):
            for number, total in customer.orders.filter(paid_at__isnull=False).exclude(status="cancelled") \
                    .values_list("number", "grand_total"):
                earned += services.earn_points_for_order(customer_id=customer.pk, order_number=number,
                                                         amount_paid=total)
            order = customer.orders.order_by("-placed_at").first()
            if order and order.ship_line1:
                try:
                    services.save_address(customer, {"name": order.ship_name, "phone": order.ship_phone,
                                                     "country": order.ship_country, "province": order.ship_province,
                                                     "city": order.ship_city, "district": order.ship_district,
                                                     "line1": order.ship_line1, "postcode": order.ship_postcode})
                except ValidationFailed:
                    pass  # an imported order's phone that libphonenumber rejects: no saved address
        variants = list(Variant.objects.filter(is_active=True).order_by("id").values_list("id", "price"))
        for variant_id, price in self.rng.sample(variants, min(len(variants), max(1, len(variants) // 5))):
            Variant.objects.filter(pk=variant_id).update(member_price=(price * Decimal("0.9")).quantize(Decimal("0.01")))
        services.save_segment(code="big_city", name="一线城市买家",
                              conditions={"provinces": ["北京市", "上海市", "广东省"], "min_orders": 2})
        services.refresh_segments()
        tiers = services.review_tiers()
        greetings = outreach.schedule_holiday_greetings(now.year + (1 if now.month == 12 else 0))
        return {"customer accounts": len(accounts), "points earned": earned, "tier upgrades": tiers["upgrade"],
                "holiday greetings scheduled": len(greetings)}
