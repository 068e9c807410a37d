"""Demo promotions and marketing, made through the promotions and marketing services: promotions
live now (满减, a category discount, 第二件半价, free shipping over a threshold), coupons, the past
618 / 双十一 campaigns built from their templates and the next festival's, banners and featured
products on the home page, ad spend per paid channel and day, two KOL codes with the orders they
brought (their `utm_source`), and e-mail campaigns, one sent and one scheduled.

The coupons are made before the history (generator.coupons), so its orders could redeem them.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from dianpu.catalog.models import Category, Product
from dianpu.marketing.domain.festivals import festival_window
from dianpu.marketing.email_campaigns import audience_of, schedule_email_campaign
from dianpu.marketing.merchandising import create_banner, create_featured_slot
from dianpu.marketing.models import AdSpend, EmailCampaign, EmailDelivery
from dianpu.marketing.services import create_campaign_from_template
from dianpu.marketing.traffic import create_affiliate
from dianpu.orders.models import Order
from dianpu.promotions.services import create_promotion

from .operations import at

PAID_CHANNELS = (("baidu", "cpc", 1.0), ("weibo", "social", 0.6), ("xiaohongshu", "social", 0.8))
SPEND_DAYS = 60
KOLS = (("xiaomei", "小美的种草日记", "0.10", "xiaohongshu"), ("laozhang", "老张数码测评", "0.08", "weibo"))
KOL_ORDERS = 25


class Marketing:
    def __init__(self, rng: random.Random, *, as_of: datetime, staff: dict[str, int]):
        self.rng, self.as_of = rng, as_of
        users = get_user_model().objects.in_bulk(list(staff.values()))
        self.user = {code: users[pk] for code, pk in staff.items()}
        self.actor = self.user["marketing"]
        self.counts: dict[str, int] = {}

    def run(self) -> dict[str, int]:
        self.top = list(Product.objects.listed().order_by("-sold_count", "id")[:8])
        self.campaigns()
        self.promotions()
        self.merchandising()
        self.ad_spend()
        self.affiliates()
        self.email()
        return self.counts

    def campaigns(self) -> None:
        slugs = [p.slug for p in self.top[:6]]
        made = 0
        tz = timezone.get_current_timezone()
        for code in ("618", "double11"):  # the latest of each that has ended
            year = self.as_of.year
            while timezone.make_aware(festival_window(code, year)[1], tz) > self.as_of:
                year -= 1
            start = timezone.make_aware(festival_window(code, year)[0], tz)
            with at(start - timedelta(days=20)):
                campaign = create_campaign_from_template(
                    code=code,
                    year=year,
                    budget=Decimal("20000.00"),
                    sales_goal=Decimal("300000.00"),
                    product_slugs=slugs,
                    actor=self.actor,
                )
            made += 1
            # The campaign's links: a share of its orders came through them.
            orders = list(
                Order.objects.filter(placed_at__gte=campaign.starts_at, placed_at__lt=campaign.ends_at, channel="web")
                .order_by("id")
                .values_list("id", flat=True)
            )
            tagged = sorted(self.rng.sample(orders, len(orders) // 3))
            for start in range(0, len(tagged), 2000):  # bounded IN lists, whatever --orders
                Order.objects.filter(id__in=tagged[start : start + 2000]).update(utm_campaign=campaign.utm_campaign)
        upcoming = []
        for code in ("double12", "nianhuo", "618", "double11"):
            for year in (self.as_of.year, self.as_of.year + 1):
                start, end = (timezone.make_aware(d, tz) for d in festival_window(code, year))
                if end > self.as_of:
                    upcoming.append((start, code, year))
                    break
        start, code, year = min(upcoming)
        with at(min(self.as_of - timedelta(days=2), start - timedelta(days=1))):
            create_campaign_from_template(
                code=code,
                year=year,
                budget=Decimal("8000.00"),
                sales_goal=Decimal("120000.00"),
                product_slugs=slugs,
                actor=self.actor,
            )
        self.counts["campaigns"] = made + 1

    def promotions(self) -> None:
        start, end = self.as_of - timedelta(days=7), self.as_of + timedelta(days=14)
        leaf = (
            Category.objects.filter(parent__isnull=False, products__status=Product.Status.LISTED)
            .annotate(n=Count("products"))
            .order_by("-n", "id")
            .first()
        )
        food = Category.objects.filter(slug="food").first()
        definitions = [
            {
                "name": "冬季满减 满200减20 满400减50",
                "kind": "spend_x_save_y",
                "tiers": [{"threshold": "200", "amount": "20"}, {"threshold": "400", "amount": "50"}],
            },
            {"name": "全场满 129 包邮", "kind": "free_shipping", "threshold": "129"},
        ]
        if leaf is not None:
            definitions.append(
                {
                    "name": f"{leaf.name} 限时 85 折",
                    "kind": "percent_off",
                    "percent": "15",
                    "scope": {"categories": [leaf.slug]},
                }
            )
        definitions.append(
            {
                "name": "零食第二件半价",
                "kind": "buy_x_get_y",
                "buy": 1,
                "get": 1,
                "discount_percent": "50",
                **({"scope": {"categories": [food.slug]}} if food else {}),
            }
        )
        with at(start - timedelta(days=1)):
            for definition in definitions:
                create_promotion({**definition, "starts_at": start, "ends_at": end}, actor=self.actor)
        self.counts["promotions live"] = len(definitions)

    def merchandising(self) -> None:
        start = self.as_of - timedelta(days=7)
        with at(start - timedelta(hours=2)):
            create_banner(
                title="冬季满减 满200减20",
                title_en="Winter sale: ¥20 off ¥200",
                subtitle="满400再减50，全场通用",
                subtitle_en="¥50 off ¥400, storewide",
                link_url="/products/",
                starts_at=start,
                ends_at=self.as_of + timedelta(days=14),
                position=1,
                actor=self.actor,
            )
            create_banner(
                title="新人专享 满99减20",
                title_en="New here? ¥20 off ¥99",
                subtitle="注册即领新人券",
                subtitle_en="Sign up for your welcome coupon",
                link_url="/accounts/signup/",
                starts_at=start,
                ends_at=self.as_of + timedelta(days=60),
                position=2,
                actor=self.actor,
            )
            create_banner(
                title="双十二预热",
                title_en="12.12 is coming",
                subtitle="收藏好物，12月10日开抢",
                subtitle_en="Save your favourites — from 10 December",
                link_url="/products/",
                starts_at=self.as_of + timedelta(days=3),
                ends_at=self.as_of + timedelta(days=20),
                position=3,
                actor=self.actor,
            )
            for position, product in enumerate(self.top[:6], start=1):
                create_featured_slot(
                    product_slug=product.slug,
                    starts_at=start,
                    ends_at=self.as_of + timedelta(days=30),
                    position=position,
                    actor=self.actor,
                )
        self.counts["banners"] = 3
        self.counts["featured slots"] = min(6, len(self.top))

    def ad_spend(self) -> None:
        """Spend per paid channel and day, in step with the orders each channel brought."""
        rng = self.rng
        first = (self.as_of - timedelta(days=SPEND_DAYS)).date()
        per_day: dict[tuple, int] = {}
        for source, placed in Order.objects.filter(
            placed_at__gte=self.as_of - timedelta(days=SPEND_DAYS), utm_source__in=[c[0] for c in PAID_CHANNELS]
        ).values_list("utm_source", "placed_at"):
            key = (source, timezone.localtime(placed).date())
            per_day[key] = per_day.get(key, 0) + 1
        rows = []
        for offset in range(SPEND_DAYS):
            day = first + timedelta(days=offset)
            for channel, _medium, scale in PAID_CHANNELS:
                orders = per_day.get((channel, day), 0)
                spend = Decimal(str(round((80 + 45 * orders) * scale * rng.uniform(0.8, 1.2), 2)))
                clicks = int(spend / Decimal(str(rng.uniform(0.8, 1.6))))
                rows.append(
                    AdSpend(
                        day=day,
                        channel=channel,
                        campaign="",
                        spend=spend.quantize(Decimal("0.01")),
                        clicks=clicks,
                        impressions=clicks * rng.randint(25, 60),
                    )
                )
        with transaction.atomic():
            AdSpend.objects.bulk_create(rows, batch_size=1000)
        self.counts["ad spend rows"] = len(rows)

    def affiliates(self) -> None:
        since = self.as_of - timedelta(days=45)
        with at(since - timedelta(days=5)):
            for code, name, rate, _channel in KOLS:
                create_affiliate(code=code, name=name, commission_rate=rate, actor=self.actor)
        attributed = 0
        for code, _name, _rate, channel in KOLS:
            orders = list(
                Order.objects.filter(placed_at__gte=since, utm_source=channel, channel="web")
                .exclude(status=Order.Status.CANCELLED)
                .order_by("id")
                .values_list("id", flat=True)
            )
            picked = self.rng.sample(orders, min(KOL_ORDERS, len(orders)))
            attributed += Order.objects.filter(id__in=picked).update(
                utm_source=code, utm_medium="kol", utm_campaign=f"kol-{code}"
            )
        self.counts["affiliates"] = len(KOLS)
        self.counts["affiliate orders"] = attributed

    def email(self) -> None:
        sent_at = self.as_of - timedelta(days=10)
        with at(sent_at - timedelta(days=2)):
            campaign = schedule_email_campaign(
                name="双十一返场",
                subject="双十一返场：爆款再享满减",
                subject_en="Singles' Day encore: deals are back",
                body="亲爱的顾客：\n双十一爆款限时返场，满200减20，满400减50。\n点击进入店铺选购。",
                body_en="Dear customer,\nOur Singles' Day bestsellers are back: ¥20 off ¥200, ¥50 off ¥400.",
                scheduled_at=sent_at,
                audience="recent_buyers",
                actor=self.actor,
            )
        with at(sent_at):
            people = audience_of(campaign)
        # Sent at the time (the deliveries are its record; no mail goes out now).
        EmailDelivery.objects.bulk_create(
            [EmailDelivery(campaign=campaign, email=email, sent_at=sent_at) for email, _language in people],
            batch_size=1000,
        )
        EmailCampaign.objects.filter(pk=campaign.pk).update(status=EmailCampaign.Status.SENT, sent_count=len(people))
        with at(self.as_of - timedelta(days=1)):
            schedule_email_campaign(
                name="双十二预热",
                subject="双十二预热：收藏好物先人一步",
                subject_en="12.12 preview",
                body="双十二满减即将开始，提前收藏心仪好物。",
                body_en="12.12 deals start soon — save your favourites now.",
                scheduled_at=self.as_of + timedelta(days=3),
                audience="all",
                actor=self.actor,
            )
        self.counts["email campaigns"] = 2
