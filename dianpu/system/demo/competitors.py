"""Demo competitor monitoring, made through the competitors services: three competitor shops, a
competitor product for each of the best sellers (mapped to ours), and a month of daily snapshots —
prices drifting around ours (some undercutting it), promotions starting, sales rising, a new main
image now and then — so the history charts, the alerts and the daily check have content."""

import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dianpu.catalog.models import Product
from dianpu.competitors.queries import our_price
from dianpu.competitors.services import create_competitor, create_competitor_product, record_snapshot

SHOPS = (
    ("优品生活旗舰店", "taobao", "https://shop.example.com/youpin"),
    ("乐购家居专营店", "jd", "https://mall.example.com/legou"),
    ("小鹿精选", "pinduoduo", "https://pdd.example.com/xiaolu"),
)
PROMOTIONS = ("满199减20", "限时折扣 9 折", "第二件半价", "券后再减 10 元")
DAYS = 30


class Competitors:
    def __init__(self, rng: random.Random, *, as_of: datetime):
        self.rng, self.as_of = rng, as_of

    def run(self) -> dict[str, int]:
        shops = [
            create_competitor(name=name, platform=platform, url=url, notes="演示数据") for name, platform, url in SHOPS
        ]
        top = list(Product.objects.listed().prefetch_related("variants").order_by("-sold_count", "id")[:6])
        snapshots = 0
        for index, ours in enumerate(top):
            base = our_price(ours)
            if base is None:
                continue
            shop = shops[index % len(shops)]
            product = create_competitor_product(
                competitor_id=shop.pk,
                name=f"{ours.name}（同款）",
                url=f"{shop.url}/item/{1000 + index}",
                our_products=[ours.slug],
                price_selector=".price",
            )
            price = base * Decimal(str(self.rng.uniform(0.95, 1.1)))
            sales, promotion, image = self.rng.randint(50, 400), "", 1
            for day in range(DAYS, -1, -1):
                if self.rng.random() < 0.15:
                    price *= Decimal(str(self.rng.uniform(0.9, 1.05)))
                if self.rng.random() < 0.08:
                    promotion = "" if promotion else self.rng.choice(PROMOTIONS)
                if self.rng.random() < 0.05:
                    image += 1
                sales += self.rng.randint(0, 30)
                record_snapshot(
                    product=product,
                    price=price.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                    promotion_text=promotion,
                    sales_count=sales,
                    rating=Decimal(str(round(self.rng.uniform(4.5, 5.0), 1))),
                    main_image_url=f"{shop.url}/img/{1000 + index}-{image}.jpg",
                    detail_hash=f"detail-{index}-{image}",
                    source="import",
                    taken_at=self.as_of - timedelta(days=day, hours=-9),
                )
                snapshots += 1
        return {"competitor shops": len(shops), "competitor snapshots": snapshots}
