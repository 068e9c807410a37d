"""make_competitor_product(...) with sensible defaults."""

from dianpu.competitors.services import create_competitor, create_competitor_product


def make_competitor_product(*, our_products=(), name="竞品T恤", url="", price_selector="", competitor=None, **extra):
    competitor = competitor or create_competitor(name="同行甲", platform="taobao", url="https://shop.example.com/")
    return create_competitor_product(
        competitor_id=competitor.pk,
        name=name,
        url=url,
        our_products=[p.slug for p in our_products],
        price_selector=price_selector,
        **extra,
    )
