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
        buyers = list(
            Customer.objects.filter(orders__paid_at__isnull=False)
            .distinct()
            .order_by("id")
            .values_list("id", flat=True)
        )
        accounts = sorted(self.rng.sample(buyers, min(len(buyers), max(10, len(buyers) // 5))))
        Customer.objects.filter(pk__in=accounts).update(
            password=password, signed_up_at=now, email_verified_at=now, consent_email=True
        )
        Customer.objects.filter(pk__in=accounts[::3]).update(consent_sms=True)
        earned = 0
        for customer in Customer.objects.filter(pk__in=accounts):
            for number, total in (
                customer.orders.filter(paid_at__isnull=False)
                .exclude(status="cancelled")
                .values_list("number", "grand_total")
            ):
                earned += services.earn_points_for_order(
                    customer_id=customer.pk, order_number=number, amount_paid=total
                )
            order = customer.orders.order_by("-placed_at").first()
            if order and order.ship_line1:
                try:
                    services.save_address(
                        customer,
                        {
                            "name": order.ship_name,
                            "phone": order.ship_phone,
                            "country": order.ship_country,
                            "province": order.ship_province,
                            "city": order.ship_city,
                            "district": order.ship_district,
                            "line1": order.ship_line1,
                            "postcode": order.ship_postcode,
                        },
                    )
                except ValidationFailed:
                    pass  # an imported order's phone that libphonenumber rejects: no saved address
        variants = list(Variant.objects.filter(is_active=True).order_by("id").values_list("id", "price"))
        for variant_id, price in self.rng.sample(variants, min(len(variants), max(1, len(variants) // 5))):
            Variant.objects.filter(pk=variant_id).update(
                member_price=(price * Decimal("0.9")).quantize(Decimal("0.01"))
            )
        services.save_segment(
            code="big_city",
            name="一线城市买家",
            conditions={"provinces": ["北京市", "上海市", "广东省"], "min_orders": 2},
        )
        services.refresh_segments()
        tiers = services.review_tiers()
        greetings = outreach.schedule_holiday_greetings(now.year + (1 if now.month == 12 else 0))
        rewards_made = self._rewards(accounts, now)
        return {
            "customer accounts": len(accounts),
            "points earned": earned,
            "tier upgrades": tiers["upgrade"],
            "holiday greetings scheduled": len(greetings),
            **rewards_made,
        }

    def _rewards(self, accounts: list[int], now) -> dict:
        """The points exchange list, birthdays, a few check-ins and exchanges, win-back coupons."""
        from datetime import date

        from dianpu.core.errors import DomainError
        from dianpu.customers import rewards
        from dianpu.customers.models import PointsOffer

        for name, name_en, points, amount, min_spend in (
            ("5 元无门槛券", "¥5 coupon, no minimum", 600, "5", "0"),
            ("20 元券（满 199 可用）", "¥20 off ¥199", 1500, "20", "199"),
            ("50 元券（满 399 可用）", "¥50 off ¥399", 3500, "50", "399"),
        ):
            PointsOffer.objects.get_or_create(
                name=name,
                defaults=dict(
                    name_en=name_en,
                    points=points,
                    coupon_amount=Decimal(amount),
                    coupon_min_spend=Decimal(min_spend),
                    valid_days=30,
                    created_at=now,
                ),
            )
        today = now.date()
        month, day = (2, 28) if (today.month, today.day) == (2, 29) else (today.month, today.day)
        for i, customer_id in enumerate(accounts):
            born = (
                date(self.rng.randint(1970, 2004), month, day)
                if i % 12 == 0
                else date(self.rng.randint(1970, 2004), self.rng.randint(1, 12), self.rng.randint(1, 28))
            )
            Customer.objects.filter(pk=customer_id).update(birthday=born)
        exchanged = 0
        for customer in Customer.objects.filter(pk__in=accounts[::4]):
            try:
                rewards.check_in(customer)
            except DomainError:
                pass
            offer = PointsOffer.objects.filter(points__lte=customer.points_balance).order_by("-points").first()
            if offer is not None:
                rewards.exchange_points(customer=customer, offer_id=offer.pk)
                exchanged += 1
        return {
            "points exchanged for coupons": exchanged,
            "birthday coupons": rewards.issue_birthday_coupons(today),
            "win-back coupons": rewards.issue_win_back(now),
        }
