"""The storefront's page cache: a change to a price, a stock level or a banner shows at once on the
very next request; conditional requests; the shopper's own parts (CSRF token, cart badge)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dianpu.cart.queries import get_cart_summary, get_open_cart
from dianpu.catalog.services import update_product
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.core import clock
from dianpu.inventory.services import set_on_hand
from dianpu.marketing.merchandising import create_banner, remove_banner


@pytest.fixture
def tee(db):
    return make_product(name="纯棉T恤", price="59.00", skus=["TEE-1"], category=make_category(slug="tops"))


def _price_on(html: str) -> str:
    return re.search(r'id="product-price">(.*?)</span>', html).group(1)


def test_a_cached_page_is_served_without_rebuilding_it(client, tee):
    url = f"/products/{tee.slug}/"
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url).content.decode()
    assert len(queries) == 1  # the page version
    assert _price_on(first) == _price_on(second) == "¥59.00"


def test_a_price_change_shows_on_the_next_request(client, tee):
    product_url, category_url = f"/products/{tee.slug}/", "/c/tops/"
    assert _price_on(client.get(product_url).content.decode()) == "¥59.00"
    assert "¥59.00" in client.get(category_url).content.decode()
    assert "¥59.00" in client.get("/").content.decode()
    update_product(actor=None, product=tee, variant_changes={"TEE-1": {"price": Decimal("49.00")}})
    assert _price_on(client.get(product_url).content.decode()) == "¥49.00"
    assert "¥49.00" in client.get(category_url).content.decode()
    assert "¥59.00" not in client.get("/").content.decode()
    assert "¥49.00" in client.get("/search/?q=T恤").content.decode()


def test_a_stock_change_shows_on_the_next_request(client, tee):
    url = f"/products/{tee.slug}/"
    assert "有货" in client.get(url).content.decode()
    set_on_hand(variant=tee.variants.get(), quantity=0, reason="盘点")
    html = client.get(url).content.decode()
    assert "该商品暂时缺货。" in html and "有货" not in html
    set_on_hand(variant=tee.variants.get(), quantity=3, reason="到货")
    assert "有货" in client.get(url).content.decode()


def test_a_banner_shows_and_goes_on_the_next_request(client, db):
    assert "双十一大促" not in client.get("/").content.decode()
    now = clock.now()
    banner = create_banner(title="双十一大促", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=1))
    assert "双十一大促" in client.get("/").content.decode()
    remove_banner(banner)
    assert "双十一大促" not in client.get("/").content.decode()


def test_a_scheduled_banner_is_not_kept_past_its_start(tee):
    from dianpu.marketing.merchandising import get_next_schedule_change
    from dianpu.storefront import page_cache

    now = clock.now()
    create_banner(title="午夜开抢", starts_at=now + timedelta(seconds=90), ends_at=now + timedelta(days=1))
    assert 85 <= page_cache.seconds_until(get_next_schedule_change()) <= 91


def test_the_cart_prices_live_even_when_the_page_was_cached(client, tee):
    client.get(f"/products/{tee.slug}/")  # cached at ¥59.00
    update_product(actor=None, product=tee, variant_changes={"TEE-1": {"price": Decimal("39.00")}})
    client.post("/cart/add/", {"sku": "TEE-1", "quantity": 1})
    summary = get_cart_summary(get_open_cart(client.session["cart_token"]))
    assert summary.subtotal == Decimal("39.00")


def test_an_unchanged_page_answers_304_and_a_changed_one_200(client, tee):
    url = f"/products/{tee.slug}/"
    first = client.get(url)
    etag = first["ETag"]
    assert first["Last-Modified"] and first["Cache-Control"] == "private, no-cache"
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in first["Vary"].split(",")}
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    update_product(actor=None, product=tee, variant_changes={"TEE-1": {"price": Decimal("45.00")}})
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert _price_on(changed.content.decode()) == "¥45.00"


def test_each_shopper_gets_their_own_cart_badge_and_a_working_csrf_token(tee):
    url = f"/products/{tee.slug}/"
    buyer, browser = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html = buyer.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert buyer.post("/cart/add/", {"sku": "TEE-1", "quantity": 2, "csrfmiddlewaretoken": token}).status_code == 302
    assert '<span id="cart-badge" class="badge">2</span>' in buyer.get(url).content.decode()
    other = browser.get(url)
    assert '<span id="cart-badge" class="badge is-empty">0</span>' in other.content.decode()
    assert "dianpu-csrf-token-mark" not in other.content.decode()
    # the badge is part of the ETag: the buyer's copy is not the browser's
    assert buyer.get(url)["ETag"] != other["ETag"]


def test_a_page_with_a_message_is_not_cached_for_others(client, tee):
    client.post("/cart/add/", {"sku": "NOPE", "quantity": 1}, HTTP_REFERER="/")
    Client().get("/")
    assert "该商品不存在或已下架" not in Client().get("/").content.decode()


def _version():
    from dianpu.storefront.page_cache import get_page_version

    return get_page_version()


def _bumps(update) -> bool:
    before = _version()
    update()
    return _version() != before


@pytest.mark.parametrize(
    "model_path, counter",
    [("dianpu.catalog.models.Product", "sold_count"), ("dianpu.promotions.models.Promotion", "flash_sold")],
)
def test_every_column_a_page_shows_bumps_the_page_version_and_the_sales_counter_does_not(db, model_path, counter):
    """A sale moves the counter on every checkout: it must not empty the page cache (nor queue checkouts on
    PostgreSQL on the page-version row). Every other column must still bump it: a column added later
    without a trigger update fails here."""
    from importlib import import_module

    from django.db.models import F

    from dianpu.promotions.tests.builders import make_promotion

    module, name = model_path.rsplit(".", 1)
    model = getattr(import_module(module), name)
    row = make_product(skus=["CNT-1"]) if name == "Product" else make_promotion("percent_off", percent=10)
    rows = model.objects.filter(pk=row.pk)
    assert not _bumps(lambda: rows.update(**{counter: F(counter) + 1}))
    for field in model._meta.concrete_fields:
        if field.name not in ("id", counter):
            assert _bumps(lambda: rows.update(**{field.attname: F(field.attname)})), field.name


def test_a_reservation_that_leaves_stock_keeps_the_cache_and_the_last_unit_empties_it(db):
    from django.db.models import F

    from dianpu.inventory.models import StockLevel

    product = make_product(skus=["LAST-1"], stock=2)
    level = StockLevel.objects.filter(variant__product=product)
    assert not _bumps(lambda: level.update(reserved=F("reserved") + 1))  # one left: still in stock
    assert _bumps(lambda: level.update(reserved=F("reserved") + 1))  # sold out
    assert _bumps(lambda: level.update(reserved=F("reserved") - 1))  # a cancelled order: in stock again
    assert not _bumps(lambda: level.update(on_hand=F("on_hand") + 5))  # still in stock


# --- the public catalogue API from the same cache ---------------------------------------------------


def _api_price(client, **params) -> str:
    items = client.get("/api/v1/products", params).json()["items"]
    return items[0]["price"]


def test_the_api_product_list_is_served_from_the_cache_and_changes_with_a_price(client, tee):
    assert _api_price(client) == "59.00"
    with CaptureQueriesContext(connection) as queries:
        assert _api_price(client) == "59.00"
    assert len(queries) == 1  # the page version
    update_product(actor=None, product=tee, variant_changes={"TEE-1": {"price": Decimal("49.00")}})
    assert _api_price(client) == "49.00"
    assert _api_price(client, search="T恤") == "49.00"


def test_the_api_list_shows_a_product_out_of_stock_at_once(client, tee):
    assert client.get("/api/v1/products").json()["items"][0]["in_stock"] is True
    set_on_hand(variant=tee.variants.get(), quantity=0, reason="盘点")
    assert client.get("/api/v1/products").json()["items"][0]["in_stock"] is False


def test_an_unchanged_api_list_answers_304_without_a_query_and_a_changed_one_200(client, tee):
    first = client.get("/api/v1/products", {"search": "T恤"})
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/api/v1/products", {"search": "T恤"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and len(queries) == 1
    update_product(actor=None, product=tee, variant_changes={"TEE-1": {"price": Decimal("45.00")}})
    changed = client.get("/api/v1/products", {"search": "T恤"}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["items"][0]["price"] == "45.00"


def test_the_api_quote_prices_live_after_the_list_was_cached(client, tee):
    assert _api_price(client) == "59.00"
    update_product(actor=None, product=tee, variant_changes={"TEE-1": {"price": Decimal("39.00")}})
    quote = client.post(
        "/api/v1/cart/quote", {"lines": [{"sku": "TEE-1", "quantity": 2}]}, content_type="application/json"
    ).json()
    assert quote["subtotal"] == "78.00"


def test_an_api_error_and_a_client_with_a_token_are_not_cached(client, tee):
    assert client.get("/api/v1/products", {"category": "nope"}).status_code == 404
    assert client.get("/api/v1/products", {"category": "nope"}).status_code == 404
    client.get("/api/v1/products")  # cached for anonymous clients
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/products", HTTP_AUTHORIZATION="Bearer nothing")
    assert len(queries) > 1  # built for this client, not read from the cache


def test_a_whole_checkout_that_leaves_stock_keeps_the_cache_and_one_for_the_last_unit_empties_it(client, db):
    """Every table a checkout writes (order, stock, counters, analytics, buyer summary) together:
    an order of a well-stocked SKU must not empty the page cache, or a busy shop rebuilds every page."""
    import json

    from dianpu.orders.tests.builders import ADDRESS

    make_product(price="30.00", stock=3, skus=["CACHE-1"])

    def order(quantity: int) -> None:
        body = {
            "email": "buyer@example.com",
            "lines": [{"sku": "CACHE-1", "quantity": quantity}],
            "shipping_address": ADDRESS,
            "shipping_method": "standard",
            "payment_method": "bank_transfer",
        }
        response = client.post("/api/v1/checkout", json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content

    assert not _bumps(lambda: order(2))  # one left
    assert _bumps(lambda: order(1))  # sold out


def _signed_in_client():
    from dianpu.customers.services import sign_up

    member = sign_up(email="member@example.com", password="long-enough-1")
    shopper = Client()
    shopper.post("/account/sign-in/", {"login": "member@example.com", "password": "long-enough-1"})
    assert shopper.session.get("customer_id") == member.pk
    return shopper


def test_a_signed_in_shoppers_page_is_not_served_to_a_visitor_nor_a_visitors_to_them(tee):
    url = f"/products/{tee.slug}/"
    member = _signed_in_client()
    assert 'id="account-link">我的账户' in member.get(url).content.decode()
    visitor = Client().get(url).content.decode()
    assert 'id="account-link">登录' in visitor and "我的账户" not in visitor
    assert 'id="account-link">登录' in Client().get("/").content.decode()  # a visitor builds this one first
    assert 'id="account-link">我的账户' in member.get("/").content.decode()


def test_the_csrf_token_on_a_cached_page_is_freshly_masked_over_the_visitors_cookie(tee):
    from django.conf import settings
    from django.middleware.csrf import _unmask_cipher_token

    url = f"/products/{tee.slug}/"
    visitor = Client(enforce_csrf_checks=True)
    first = visitor.get(url)
    secret = first.cookies[settings.CSRF_COOKIE_NAME].value
    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        for html in (first.content.decode(), visitor.get(url).content.decode())
    ]
    assert tokens[0] != tokens[1] and all(len(t) == 64 for t in tokens)
    assert {_unmask_cipher_token(t) for t in tokens} == {secret}
    assert Client().get(url).cookies[settings.CSRF_COOKIE_NAME].value != secret  # each visitor their own
    assert (
        visitor.post("/cart/add/", {"sku": "TEE-1", "quantity": 1, "csrfmiddlewaretoken": tokens[0]}).status_code == 302
    )
