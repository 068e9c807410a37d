"""Search that ranks: a table of queries and the products that must come first, in Chinese and
English, through the storefront search page and `GET /api/v1/products?search=` alike."""

import re

import pytest

from dianpu.catalog.models import Product, SearchSynonym
from dianpu.catalog.queries import list_listed_products
from dianpu.catalog.search import count_facets, search_products
from dianpu.inventory.services import set_on_hand

from .builders import make_category, make_product


def _names_in(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title">(.*?)</h3>', html)


@pytest.fixture
def catalogue(db):
    tea, snacks, clothes = (
        make_category(name="茶叶", slug="tea"),
        make_category(name="零食", slug="snacks"),
        make_category(name="服装", slug="clothes"),
    )
    products = {}
    for name, name_en, category, description, brand in [
        ("网红云南辣条", "Spicy snack strips", snacks, "<p>麻辣过瘾，配茶配饭都好吃，办公室追剧零食。</p>", "卫龙"),
        ("云南普洱茶饼 357克", "Yunnan Pu'er tea cake", tea, "<p>勐海古树普洱，陈香醇厚。</p>", "大益"),
        ("西湖龙井绿茶 250克", "West Lake Longjing green tea", tea, "<p>明前龙井，豆香清雅。</p>", "狮峰"),
        ("茶杯垫 四件套", "Coasters, set of four", snacks, "<p>软木杯垫。</p>", ""),
        ("轻薄羽绒服", "Light down jacket", clothes, "<p>90% 白鸭绒，轻盈保暖。</p>", "波司登"),
        ("羽绒服收纳袋", "Storage bag", clothes, "<p>压缩收纳，适合 jacket 与被子。</p>", ""),
        ("纯棉T恤", "Cotton T-shirt", clothes, "<p>舒适的纯棉T恤。</p>", "优衣库"),
        ("智能手机 X1", "Smartphone X1", snacks, "<p>大屏长续航。</p>", ""),
        ("茶巾 吸水速干", "Tea towel", snacks, "<p>擦茶具用。</p>", ""),
    ]:
        products[name] = make_product(
            name=name, name_en=name_en, category=category, description=description, brand=brand
        )
    return products


RELEVANCE = [
    # query, the products that must come first (in this order or, for a set, in any order)
    ("茶", {"云南普洱茶饼 357克", "西湖龙井绿茶 250克"}),
    ("普洱", ["云南普洱茶饼 357克"]),
    ("绿茶", ["西湖龙井绿茶 250克"]),
    ("云南 茶", ["云南普洱茶饼 357克"]),
    ("羽绒服", {"轻薄羽绒服", "羽绒服收纳袋"}),
    ("jacket", ["轻薄羽绒服"]),
    ("tea", {"云南普洱茶饼 357克", "西湖龙井绿茶 250克", "茶巾 吸水速干"}),
    ("green tea", ["西湖龙井绿茶 250克"]),
    ("cotton", ["纯棉T恤"]),
    ("大益", ["云南普洱茶饼 357克"]),
]


@pytest.mark.parametrize("query,first", RELEVANCE, ids=[q for q, _ in RELEVANCE])
def test_the_right_products_come_first(catalogue, query, first):
    names = [p.name for p in list_listed_products(search=query)]
    assert len(names) >= len(first)
    if isinstance(first, set):
        assert set(names[: len(first)]) == first
    else:
        assert names[: len(first)] == first


def test_tea_ranks_teas_above_the_spicy_snack_strips(catalogue):
    names = [p.name for p in list_listed_products(search="茶")]
    assert names.index("网红云南辣条") > names.index("云南普洱茶饼 357克")
    assert names.index("网红云南辣条") > names.index("西湖龙井绿茶 250克")
    assert "网红云南辣条" in names  # still found: its description says 配茶


def test_search_page_and_api_rank_alike(client, catalogue):
    for query in ("茶", "tea", "羽绒服"):
        page = _names_in(client.get("/search/", {"q": query}).content.decode())
        api = [item["name"] for item in client.get("/api/v1/products", {"search": query}).json()["items"]]
        assert page == api == [p.name for p in list_listed_products(search=query)]


def test_sales_then_stock_break_ties_between_equally_relevant_products(db):
    slow = make_product(name="白瓷茶壶", stock=5)
    fast = make_product(name="白瓷茶壶", stock=5)
    empty = make_product(name="白瓷茶壶", stock=0)
    best = make_product(name="白瓷茶壶", stock=0)
    Product.objects.filter(pk__in=[fast.pk, best.pk]).update(sold_count=50)
    from dianpu.inventory.queries import in_stock_expression

    ranked = [p.pk for p in list_listed_products(search="茶壶", in_stock=in_stock_expression())]
    assert ranked == [fast.pk, best.pk, slow.pk, empty.pk]


def test_a_product_change_is_searchable_at_once(db):
    from dianpu.catalog.services import update_product

    product = make_product(name="旧名字")
    assert list_listed_products(search="青花瓷").count() == 0
    update_product(actor=None, product=product, changes={"name": "青花瓷茶杯"})
    assert [p.pk for p in list_listed_products(search="青花瓷")] == [product.pk]
    assert list_listed_products(search="旧名字").count() == 0


def test_a_delisted_product_is_not_found(catalogue):
    Product.objects.filter(name="轻薄羽绒服").update(status=Product.Status.DELISTED)
    assert [p.name for p in list_listed_products(search="jacket")] == ["羽绒服收纳袋"]


def test_shop_synonyms_find_the_other_words(catalogue):
    assert list_listed_products(search="电话").count() == 0
    assert list_listed_products(search="tee").count() == 0
    SearchSynonym.objects.create(words="手机, 电话")
    SearchSynonym.objects.create(words="tee = t-shirt")
    assert [p.name for p in list_listed_products(search="电话")] == ["智能手机 X1"]
    assert [p.name for p in list_listed_products(search="tee")] == ["纯棉T恤"]


@pytest.mark.parametrize(
    "typed,meant", [("jackte", "jacket"), ("jaket", "jacket"), ("cottn", "cotton"), ("cottonn", "cotton")]
)
def test_a_latin_word_one_typo_away_is_corrected(catalogue, typed, meant):
    result = search_products(Product.objects.listed(), typed)
    assert result.corrected_from == typed
    assert result.query == meant
    assert [p.name for p in result.products.order_by("-search_rank")][:1] == [
        p.name for p in list_listed_products(search=meant)
    ][:1]


def test_the_search_page_says_what_it_searched_instead(client, catalogue):
    html = client.get("/search/", {"q": "jackte"}).content.decode()
    assert "以下是“jacket”的结果（您输入的是“jackte”）。" in html
    assert _names_in(html)[0] == "轻薄羽绒服"


def test_no_results_offers_what_sells(client, catalogue):
    Product.objects.filter(name="纯棉T恤").update(sold_count=99)
    html = client.get("/search/", {"q": "潜水艇"}).content.decode()
    assert "没有找到与“潜水艇”相关的商品。" in html
    assert _names_in(html.split("大家都在买")[1])[0] == "纯棉T恤"


def test_facets_count_categories_brands_price_bands_and_attributes(catalogue):
    Product.objects.filter(name="云南普洱茶饼 357克").update(attributes={"产地": "云南"}, min_price="120.00")
    Product.objects.filter(name="西湖龙井绿茶 250克").update(attributes={"产地": "浙江"}, min_price="59.00")
    facets = count_facets(search_products(Product.objects.listed(), "茶").products)
    assert [(c["category"].slug, c["count"]) for c in facets.categories] == [("snacks", 3), ("tea", 2)]
    assert [(b["brand"], b["count"]) for b in facets.brands] == [("卫龙", 1), ("大益", 1), ("狮峰", 1)]
    assert [(str(b["min"]), b["count"]) for b in facets.price_bands] == [("50", 4), ("100", 1)]
    assert facets.attributes == [
        {"name": "产地", "values": [{"value": "云南", "count": 1}, {"value": "浙江", "count": 1}]}
    ]


def test_the_search_page_filters_by_a_facet(client, catalogue):
    html = client.get("/search/", {"q": "茶", "category": "tea"}).content.decode()
    assert set(_names_in(html)) == {"云南普洱茶饼 357克", "西湖龙井绿茶 250克"}
    html = client.get("/search/", {"q": "茶", "brand": "卫龙"}).content.decode()
    assert _names_in(html) == ["网红云南辣条"]
    set_on_hand  # noqa: B018 (stock is set by the builders)


def test_every_page_of_a_ranked_search_is_the_same_slice_as_the_full_order(db):
    """A page tests the stock of only the matches that can reach it: the order stays exact."""
    from dianpu.catalog.queries import search_listed_products
    from dianpu.inventory.queries import in_stock_expression

    for i in range(14):
        product = make_product(name="白瓷茶壶" if i % 3 else "白瓷茶壶 茶壶 大号", stock=i % 2)
        Product.objects.filter(pk=product.pk).update(sold_count=i % 4)
    result = search_listed_products(search="茶壶", in_stock=in_stock_expression())
    full = [p.pk for p in result.products]
    assert len(full) == 14
    for start, stop in [(0, 5), (5, 10), (10, 15), (3, 4), (13, 14), (0, 14)]:
        assert [p.pk for p in result.slice(start, stop)] == full[start:stop]


def test_the_facet_query_counts_every_match_and_the_page_agrees(client, catalogue):
    from dianpu.catalog.queries import search_listed_products

    result = search_listed_products(search="茶")
    assert result.facets().total == result.count() == 5
    html = client.get("/search/", {"q": "茶", "brand": "大益"}).content.decode()
    assert _names_in(html) == ["云南普洱茶饼 357克"]
