"""The storefront records server-side events for a tracked visitor and attributes the order to
the visit's first touch; nothing of the sort when the visitor sends Do Not Track."""

import pytest

from dianpu.analytics.models import TrackingEvent
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.models import Order

pytestmark = pytest.mark.django_db
SOURCE = "%7B%22s%22%3A%22newsletter%22%2C%22m%22%3A%22email%22%2C%22c%22%3A%22618%22%2C%22r%22%3A%22%22%7D"
COOKIES = {"dp_vid": "visitor-abcdef12", "dp_sid": "session-abcdef12", "dp_src": SOURCE}
CHECKOUT = {
    "email": "buyer@example.com",
    "name": "张三",
    "phone": "13800138000",
    "country": "CN",
    "province": "上海市",
    "city": "上海市",
    "district": "黄浦区",
    "line1": "南京东路 100 号",
    "postcode": "200001",
    "shipping_method": "standard",
    "payment_method": "bank_transfer",
}


def _shop(client, **headers):
    product = make_product(price="120.00", stock=5, skus=["TEE-T"])
    client.post("/cart/add/", {"sku": "TEE-T", "quantity": 1}, **headers)
    client.get("/checkout/", **headers)
    client.post("/checkout/", CHECKOUT, **headers)
    return product


def test_a_tracked_visit_is_recorded_and_the_order_attributed(client):
    client.cookies.load(COOKIES)
    product = _shop(client)
    order = Order.objects.get()
    assert (order.utm_source, order.utm_medium, order.utm_campaign, order.referrer_host, order.visitor_id) == (
        "newsletter",
        "email",
        "618",
        "",
        "visitor-abcdef12",
    )
    assert list(TrackingEvent.objects.order_by("id").values_list("kind", "product_id", "order_id", "channel")) == [
        ("add_to_cart", product.pk, None, "email"),
        ("checkout_start", None, None, "email"),
        ("purchase", None, order.pk, "email"),
    ]


def test_do_not_track_records_nothing_and_attributes_nothing(client):
    client.cookies.load(COOKIES)
    _shop(client, HTTP_DNT="1")
    order = Order.objects.get()
    assert (order.utm_source, order.visitor_id) == ("", "")
    assert TrackingEvent.objects.count() == 0


def test_pages_carry_the_tracking_script_and_product_markers(client):
    product = make_product(price="120.00", stock=5, skus=["TEE-P"])
    page = client.get(f"/products/{product.slug}/").content.decode()
    assert "analytics/track.js" in page and 'data-collect="/api/v1/analytics/collect"' in page
    assert f'data-dp-product-page="{product.pk}"' in page
    assert f'data-dp-product="{product.pk}"' in client.get("/").content.decode()
