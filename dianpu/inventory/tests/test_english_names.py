"""Issue 12 item 8: warehouse names and variant option values show in English on English pages when
an English text exists (the Chinese otherwise), in the stock pages and on the storefront."""

import pytest

from dianpu.catalog.models import Variant
from dianpu.catalog.tests.builders import make_product
from dianpu.inventory.models import Warehouse
from dianpu.inventory.queries import list_cover
from dianpu.inventory.services import create_warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def tea():
    product = make_product(
        name="龙井", name_en="Longjing tea", skus=["TEA-R", "TEA-G"], stock=4, options={"颜色": "红色"}
    )
    # One option each: PostgreSQL's jsonb keeps keys in its own order, not the order written.
    Variant.objects.filter(sku="TEA-R").update(options={"颜色": "红色"}, options_en={"颜色": "Red"})
    Variant.objects.filter(sku="TEA-G").update(options={"颜色": "绿色"}, options_en={})
    create_warehouse(actor=None, code="east", name="华东仓", name_en="East China DC")
    return product


def in_language(client, staff, language):
    client.force_login(staff("owner"))
    client.cookies["dianpu_language"] = language
    return client


def test_the_owner_adds_a_warehouse_with_its_english_name(client, staff):
    client = in_language(client, staff, "zh-hans")
    response = client.post(
        "/console/inventory/warehouses/", {"code": "south", "name": "华南仓", "name_en": "South China DC"}
    )
    assert response.status_code == 302
    assert Warehouse.objects.values_list("name", "name_en").get(code="south") == ("华南仓", "South China DC")


def test_stock_pages_show_english_warehouse_names_and_option_values_on_english_pages(client, staff, tea):
    english = in_language(client, staff, "en").get("/console/inventory/warehouses/").text
    assert "<td>East China DC</td>" in english and "华东仓" not in english
    levels = client.get("/console/inventory/", {"q": "TEA"}).text
    assert "Red" in levels and "绿色" in levels  # no English value: the Chinese one
    assert "红色" not in levels
    assert '<option value="east">East China DC</option>' in levels
    moves = client.get("/console/inventory/sku/TEA-R/moves/").text
    assert "Red" in moves and "红色" not in moves


def test_stock_pages_stay_chinese_on_chinese_pages(client, staff, tea):
    chinese = in_language(client, staff, "zh-hans").get("/console/inventory/warehouses/").text
    assert "<td>华东仓</td>" in chinese and "East China DC" not in chinese
    levels = client.get("/console/inventory/", {"q": "TEA"}).text
    assert "红色" in levels and "Red" not in levels


def test_the_cover_rows_carry_the_english_option_values_in_english(tea):
    from django.utils import translation

    with translation.override("en"):
        assert {r.sku: r.option_label for r in list_cover()} == {"TEA-R": "Red", "TEA-G": "绿色"}
    with translation.override("zh-hans"):
        assert {r.sku: r.option_label for r in list_cover()} == {"TEA-R": "红色", "TEA-G": "绿色"}


def test_the_storefront_product_page_shows_english_option_values(client, tea):
    client.cookies["dianpu_language"] = "en"
    page = client.get(f"/products/{tea.slug}/").text
    assert "Red" in page and "红色" not in page
