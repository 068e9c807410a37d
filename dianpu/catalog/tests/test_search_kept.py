"""Search results kept per catalogue version (catalog.search.kept): the same search asked again is not
ranked again, and a change to a product, a price or a stock level shows in the very next search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dianpu.catalog.queries import search_listed_products
from dianpu.catalog.search import forget_kept_results
from dianpu.inventory.queries import in_stock_expression
from dianpu.inventory.services import set_on_hand

from .builders import make_category, make_product


@pytest.fixture(autouse=True)
def _nothing_kept():
    forget_kept_results()
    yield
    forget_kept_results()


@pytest.fixture
def teas(db):
    tea = make_category(name="茶叶", slug="tea")
    return [
        make_product(name="云南普洱茶饼 357克", name_en="Pu'er tea cake", category=tea, price="88.00"),
        make_product(name="西湖龙井绿茶 250克", name_en="Longjing green tea", category=tea, price="168.00"),
        make_product(name="安溪铁观音 500克", name_en="Tieguanyin", category=tea, price="45.00"),
    ]


def _search(query: str = "茶", start: int = 0, stop: int = 24):
    result = search_listed_products(search=query, in_stock=in_stock_expression())
    return [p.name for p in result.slice(start, stop)], result.count(), result.facets()


def _ranking_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "bm25" in q["sql"] or "ts_rank" in q["sql"] or "GROUP BY" in q["sql"]]


def test_the_same_search_again_is_not_ranked_again(teas):
    first = _search()
    with CaptureQueriesContext(connection) as queries:
        again = _search()
    assert again[:2] == first[:2]
    assert again[2].total == first[2].total == 3
    assert _ranking_queries(queries.captured_queries) == []


def test_a_renamed_product_shows_in_the_next_search(teas):
    names, count, _facets = _search()
    assert "铁观音 乌龙" not in names and count == 3
    oolong = make_product(name="铁观音 乌龙", category=teas[0].category)
    names, count, facets = _search()
    assert "铁观音 乌龙" in names and count == 4 and facets.total == 4
    oolong.name = "不锈钢保温杯"
    oolong.search_title = " 不锈钢 保温杯 "
    oolong.search_document = " 不锈钢 保温杯 "
    oolong.save()
    names, count, _facets = _search()
    assert "不锈钢保温杯" not in names and count == 3


def test_a_price_change_moves_the_price_facet_at_once(teas):
    bands = {(b["min"], b["count"]) for b in _search()[2].price_bands}
    variant = teas[2].variants.get()
    assert bands == {(0, 1), (50, 1), (100, 1)}
    variant.price = "120.00"
    variant.save()
    teas[2].min_price = variant.price
    teas[2].save()
    bands = {(b["min"], b["count"]) for b in _search()[2].price_bands}
    assert bands == {(50, 1), (100, 2)}


def test_stock_running_out_reorders_the_next_search(db):
    older, newer = (make_product(name="普洱茶", name_en="Pu'er tea", brand="大益") for _ in range(2))

    def ids() -> list[int]:
        result = search_listed_products(search="普洱茶", in_stock=in_stock_expression())
        return [p.pk for p in result.slice(0, 24)]

    assert ids() == [newer.pk, older.pk]  # equal relevance and sales: the newer first
    set_on_hand(variant=newer.variants.get(), quantity=0, reason="盘点")
    assert ids() == [older.pk, newer.pk]  # in stock breaks the tie


def test_the_next_page_is_kept_apart_from_the_first(teas):
    first_page, _count, _facets = _search(stop=2)
    second_page, _count, _facets = _search(start=2, stop=4)
    assert len(first_page) == 2 and len(second_page) == 1
    assert set(first_page) | set(second_page) == {p.name for p in teas}
    with CaptureQueriesContext(connection) as queries:
        assert _search(start=2, stop=4)[0] == second_page
    assert _ranking_queries(queries.captured_queries) == []
