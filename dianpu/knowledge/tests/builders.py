from datetime import timedelta
from decimal import Decimal

from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.fulfillment.models import Shipment, TrackingEvent
from dianpu.knowledge import services
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order


def make_article(
    title="退货运费谁承担？",
    body="质量问题由我们承担退货运费；非质量问题由买家承担退货运费。",
    *,
    publish=True,
    **kwargs,
):
    article = services.save_article(title=title, body=body, **kwargs)
    if publish:
        article = services.publish_article(article_id=article.pk)
    return article


def shipped_order(email="buyer@example.com", sku="BOT-TEE"):
    """A paid order shipped with SF, with two tracking scans (the latest: 派送中 in 上海)."""
    make_product(skus=[sku], price="59.00", stock=10)
    order = transition_order(order=place_test_order({sku: 1}, email=email), action="mark_paid")
    order = transition_order(
        order=order, action="ship", carrier="sf", tracking_number="SF1234567890123", shipping_cost=Decimal("11.00")
    )
    shipment = Shipment.objects.get(order=order)
    now = clock.now()
    for i, (status, location, text) in enumerate(
        [("in_transit", "杭州", "已揽收"), ("out_for_delivery", "上海", "快递员正在派送")]
    ):
        TrackingEvent.objects.create(
            shipment=shipment,
            status=status,
            occurred_at=now + timedelta(hours=i + 1),
            location=location,
            description=text,
            source="webhook",
            key=f"k{i}",
            received_at=now,
        )
    return order
