"""Home, category, search and product pages, as a shopper sees them."""

import json
import re
from decimal import Decimal

from dianpu.catalog.models import Product
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.inventory.services import set_on_hand


def _names_in(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title">(.*?)</h3>', html)


def test_home_lists_listed_products_and_not_drafts(client, db):
    make_product(name="上架连衣裙")
    make_product(name="草稿连衣裙", status=Product.Status.DRAFT)
    html = client.get("/").content.decode()
    assert "上架连衣裙" in html
    assert "草稿连衣裙" not in html


def test_category_sorts_by_price_both_ways(client, db):
    shoes = make_category(name="鞋靴", slug="shoes")
    for name, price in [("跑鞋", "299.00"), ("拖鞋", "29.00"), ("皮鞋", "599.00")]:
        make_product(name=name, price=price, category=shoes)
    make_product(name="别的类目", price="1.00", category=make_category(name="家居"))

    assert _names_in(client.get("/c/shoes/?sort=price_asc").content.decode()) == ["拖鞋", "跑鞋", "皮鞋"]
    assert _names_in(client.get("/c/shoes/?sort=price_desc").content.decode()) == ["皮鞋", "跑鞋", "拖鞋"]


def test_category_includes_subcategories_and_filters_by_price(client, db):
    clothes = make_category(name="服装", slug="clothes")
    coats = make_category(name="外套", slug="coats", parent=clothes)
    make_product(name="风衣", price="399.00", category=coats)
    make_product(name="衬衫", price="99.00", category=clothes)

    assert sorted(_names_in(client.get("/c/clothes/").content.decode())) == ["衬衫", "风衣"]
    assert _names_in(client.get("/c/clothes/?min_price=100&max_price=500").content.decode()) == ["风衣"]
    assert _names_in(client.get("/c/clothes/?min_price=abc").content.decode()) != []


def test_category_pages_24_per_page(client, db):
    bags = make_category(name="箱包", slug="bags")
    for i in range(26):
        make_product(name=f"背包{i:02d}", price=str(100 + i), category=bags)

    first = client.get("/c/bags/?sort=price_asc")
    second = client.get("/c/bags/?sort=price_asc&page=2")
    assert _names_in(first.content.decode()) == [f"背包{i:02d}" for i in range(24)]
    assert _names_in(second.content.decode()) == ["背包24", "背包25"]
    assert 'href="?sort=price_asc&amp;page=2"' in first.content.decode()
    assert '<link rel="canonical" href="http://testserver/c/bags/?page=2">' in second.content.decode()


def test_category_breadcrumb_and_unknown_category(client, db):
    clothes = make_category(name="服装", slug="clothes")
    make_category(name="外套", slug="coats", parent=clothes)
    html = client.get("/c/coats/").content.decode()
    assert re.search(r'<a href="/c/clothes/">服装</a>.*<span aria-current="page">外套</span>', html, re.S)
    assert client.get("/c/nope/").status_code == 404


def test_search_finds_a_product_by_a_chinese_word(client, db):
    make_product(name="轻薄羽绒服", name_en="Light down jacket")
    make_product(name="纯棉T恤", name_en="Cotton T-shirt")
    html = client.get("/search/", {"q": "羽绒"}).content.decode()
    assert _names_in(html) == ["轻薄羽绒服"]
    assert "找到 1 件商品" in html


def test_search_finds_a_product_by_an_english_word(client, db):
    make_product(name="轻薄羽绒服", name_en="Light down jacket")
    make_product(name="纯棉T恤", name_en="Cotton T-shirt")
    assert _names_in(client.get("/search/", {"q": "jacket"}).content.decode()) == ["轻薄羽绒服"]


def test_search_without_results_says_so(client, db):
    make_product(name="纯棉T恤")
    html = client.get("/search/", {"q": "潜水艇"}).content.decode()
    assert "没有找到与“潜水艇”相关的商品。" in html
    results, suggestions = html.split("大家都在买")
    assert _names_in(results) == []
    assert _names_in(suggestions) == ["纯棉T恤"]  # what sells, offered instead
    assert _names_in(client.get("/search/", {"q": "!!!"}).content.decode()) == []


def test_product_page_has_title_description_canonical_and_open_graph(client, db):
    product = make_product(
        name="轻薄羽绒服", name_en="Light down jacket", price="399.00", description="<p>90% 白鸭绒，轻盈保暖。</p>"
    )
    html = client.get(f"/products/{product.slug}/").content.decode()
    assert "<title>轻薄羽绒服 - 店铺 dianpu</title>" in html
    assert '<meta name="description" content="90% 白鸭绒，轻盈保暖。">' in html
    assert f'<link rel="canonical" href="http://testserver/products/{product.slug}/">' in html
    assert '<meta property="og:title" content="轻薄羽绒服 - 店铺 dianpu">' in html
    assert '<meta property="og:type" content="product">' in html
    assert "<p>90% 白鸭绒，轻盈保暖。</p>" in html  # sanitised description rendered as HTML


def _json_ld(html: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    return json.loads(block)


def test_product_json_ld_carries_price_and_availability(client, db):
    product = make_product(name="轻薄羽绒服", price="399.00", brand="北极绒", stock=3)
    data = _json_ld(client.get(f"/products/{product.slug}/").content.decode())
    sku = product.variants.get().sku
    assert data["@type"] == "Product"
    assert data["name"] == "轻薄羽绒服"
    assert data["sku"] == sku
    assert data["brand"] == {"@type": "Brand", "name": "北极绒"}
    assert data["offers"] == {
        "@type": "Offer",
        "sku": sku,
        "price": "399.00",
        "priceCurrency": "CNY",
        "availability": "https://schema.org/InStock",
        "url": f"http://testserver/products/{product.slug}/",
    }


def test_sold_out_product_is_out_of_stock_and_cannot_be_added(client, db):
    product = make_product(stock=0)
    html = client.get(f"/products/{product.slug}/").content.decode()
    assert _json_ld(html)["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert "该商品暂时缺货。" in html
    assert 'name="quantity"' not in html


def test_variant_choice_disables_out_of_stock_variants(client, db):
    product = make_product(skus=["TEE-S", "TEE-M"], stock=5)
    set_on_hand(variant=product.variants.get(sku="TEE-S"), quantity=0, reason="盘点")
    html = client.get(f"/products/{product.slug}/").content.decode()
    small = re.search(r'<input type="radio" name="sku" value="TEE-S"[^>]*>', html, re.S).group(0)
    medium = re.search(r'<input type="radio" name="sku" value="TEE-M"[^>]*>', html, re.S).group(0)
    assert "disabled" in small and "checked" not in small
    assert "checked" in medium and "disabled" not in medium
    assert "S · 缺货" in html
    offers = _json_ld(html)["offers"]
    assert offers["@type"] == "AggregateOffer"
    assert offers["availability"] == "https://schema.org/InStock"
    assert [o["availability"] for o in offers["offers"]] == [
        "https://schema.org/OutOfStock",
        "https://schema.org/InStock",
    ]


def test_product_shows_compare_at_price_struck_through(client, db):
    product = make_product(price="199.00")
    from dianpu.catalog.services import update_product

    update_product(
        actor=None,
        product=product,
        changes={},
        variant_changes={product.variants.get().sku: {"compare_at_price": Decimal("299.00")}},
    )
    html = client.get(f"/products/{product.slug}/").content.decode()
    assert re.search(r'<s class="compare-price" id="product-compare-price">¥299.00</s>', html)


def test_draft_and_unknown_products_are_not_found(client, db):
    draft = make_product(status=Product.Status.DRAFT)
    assert client.get(f"/products/{draft.slug}/").status_code == 404
    assert client.get("/products/no-such-thing/").status_code == 404


def _queries_for(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_do_not_query_per_product(client, db, settings):
    settings.STOREFRONT_PAGE_CACHE = False  # count the queries that build the pages
    shoes = make_category(slug="shoes")
    for i in range(3):
        make_product(name=f"跑鞋{i}", category=shoes)
    urls = ["/", "/c/shoes/", "/search/?q=跑鞋"]
    client.get("/")  # the category tree is cached from here on
    few = [_queries_for(client, url) for url in urls]
    for i in range(3, 12):
        make_product(name=f"跑鞋{i}", category=shoes, skus=[f"RUN-{i}-S", f"RUN-{i}-M"])
    many = [_queries_for(client, url) for url in urls]
    assert many == few


def test_a_category_created_after_the_menu_was_cached_is_found(client, db):
    client.get("/")
    make_category(name="新类目", slug="brand-new")
    assert client.get("/c/brand-new/").status_code == 200
