"""Order status look-up, sitemap.xml, robots.txt and the English storefront."""

import re

from dianpu.catalog.models import Product
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

NOT_FOUND = "没有找到与该订单号和邮箱相符的订单，请核对后重试。"


def test_order_status_finds_the_order_by_number_and_email(client, db):
    make_product(name="纯棉T恤", skus=["TEE-1"])
    order = place_test_order({"TEE-1": 1}, email="buyer@example.com")
    response = client.post("/orders/status/", {"number": order.number.lower(), "email": "Buyer@Example.com"})
    html = response.content.decode()
    assert f'<strong class="order-number">{order.number}</strong>' in html
    assert '<span class="status status-pending_payment">待付款</span>' in html
    assert '<span class="timeline-status">待付款</span>' in html
    assert "纯棉T恤" in html
    assert NOT_FOUND not in html


def test_order_status_accepts_the_links_in_e_mails(client, db):
    make_product(skus=["TEE-1"])
    order = place_test_order({"TEE-1": 1}, email="buyer@example.com")
    html = client.get("/orders/status/", {"number": order.number, "email": "buyer@example.com"}).content.decode()
    assert f'<strong class="order-number">{order.number}</strong>' in html


def test_order_status_refuses_a_wrong_email_without_saying_which_field_was_wrong(client, db):
    make_product(skus=["TEE-1"])
    order = place_test_order({"TEE-1": 1}, email="buyer@example.com")
    wrong_email = client.post("/orders/status/", {"number": order.number, "email": "other@example.com"})
    wrong_number = client.post("/orders/status/", {"number": "X0000000", "email": "buyer@example.com"})
    for response in (wrong_email, wrong_number):
        html = response.content.decode()
        assert NOT_FOUND in html
        assert order.number not in html.split("<main")[1].split('name="number"')[0]
        assert "order-number" not in html


def test_order_status_shows_history_and_the_carriers_tracking_link(client, db):
    make_product(skus=["TEE-1"])
    order = place_test_order({"TEE-1": 1}, email="buyer@example.com", payment_method="cod")
    transition_order(order=order, action="ship", carrier="sf", tracking_number="SF1234567890123")
    html = client.get("/orders/status/", {"number": order.number, "email": "buyer@example.com"}).content.decode()
    assert '<span class="status status-shipped">已发货</span>' in html
    assert re.findall(r'<span class="timeline-status">(.*?)</span>', html) == ["待付款", "已发货"]
    assert "顺丰速运 · 运单号 <strong>SF1234567890123</strong>" in html
    assert 'href="https://www.sf-express.com/chn/sc/waybill/waybill-detail/SF1234567890123"' in html


def test_sitemap_lists_home_categories_and_listed_products(client, db):
    category = make_category(slug="clothes")
    listed = make_product(category=category)
    draft = make_product(status=Product.Status.DRAFT)
    response = client.get("/sitemap.xml")
    xml = response.content.decode()
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert "<loc>http://testserver/</loc>" in xml
    assert "<loc>http://testserver/c/clothes/</loc>" in xml
    assert (
        f"<loc>http://testserver/products/{listed.slug}/</loc><lastmod>{listed.updated_at.date().isoformat()}</lastmod>"
    ) in xml
    assert f"/products/{draft.slug}/" not in xml


def test_robots_txt_keeps_crawlers_out_of_private_pages(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\nDisallow: /console/\nDisallow: /cart/\nDisallow: /checkout/\nDisallow: /api/\n\n"
        "Sitemap: http://testserver/sitemap.xml\n"
    )


def test_every_page_has_a_language_switch_and_meta_tags(client, db):
    category = make_category(slug="clothes")
    product = make_product(category=category)
    for url in ["/", "/c/clothes/", "/search/?q=T恤", f"/products/{product.slug}/", "/cart/", "/orders/status/"]:
        html = client.get(url).content.decode()
        assert '<form class="lang-switch" action="/i18n/setlang/" method="post">' in html, url
        assert re.search(r"<title>[^<]+</title>", html), url
        assert '<meta name="description" content="' in html, url
        assert '<link rel="canonical" href="http://testserver/' in html, url
        assert '<meta property="og:title"' in html, url
        assert "<script>" not in html and " onclick=" not in html, url  # CSP: no inline scripts


def test_english_pages_after_switching_language(client, db):
    category = make_category(name="服装", name_en="Apparel", slug="clothes")
    product = make_product(
        name="轻薄羽绒服", name_en="Light down jacket", category=category, description="<p>轻盈保暖。</p>"
    )
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

    home = client.get("/").content.decode()
    assert '<html lang="en">' in home
    assert "Light down jacket" in home and "轻薄羽绒服" not in home
    assert ">Apparel</a>" in home
    assert "New arrivals" in home and "新品上架" not in home

    page = client.get(f"/products/{product.slug}/").content.decode()
    assert "<title>Light down jacket - 店铺 dianpu</title>" in page
    assert "Add to cart" in page
    assert "<p>轻盈保暖。</p>" in page  # no English description: the Chinese one is shown

    client.post("/cart/add/", {"sku": product.variants.get().sku, "quantity": "0"})
    assert (
        "The quantity must be a whole number from 1 to 999."
        in client.get(f"/products/{product.slug}/").content.decode()
    )
    client.post("/cart/add/", {"sku": product.variants.get().sku, "quantity": "1"})
    checkout = client.post("/checkout/", {"email": "x@example.com"}).content.decode()
    assert "This field is required." in checkout
    assert "Standard delivery" in checkout and "Bank transfer" in checkout
