"""Product pages of the console, as operators, warehouse staff and agents use them."""

import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from PIL import Image

from dianpu.audit.models import AuditEntry
from dianpu.catalog.models import Product, Variant
from dianpu.catalog.services import update_product
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.inventory.models import StockMove
from dianpu.inventory.queries import get_on_hand_by_variant

pytestmark = pytest.mark.django_db


def create_post(**overrides):
    data = {
        "name": "亚麻衬衫",
        "name_en": "Linen shirt",
        "brand": "棉麻社",
        "category": "",
        "tags": "夏季, 亚麻",
        "status": "draft",
        "description": "<p>透气<script>alert(1)</script></p>",
        "description_en": "",
        "seo_title": "亚麻衬衫",
        "seo_description": "",
        "variants-TOTAL_FORMS": "2",
        "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "200",
        "variants-0-sku": "LINEN-W-M",
        "variants-0-options": "颜色=白; 尺码=M",
        "variants-0-price": "199.00",
        "variants-0-compare_at_price": "259.00",
        "variants-0-cost_price": "80.00",
        "variants-0-weight_grams": "250",
        "variants-0-barcode": "6901234567890",
        "variants-0-stock": "12",
        "variants-1-sku": "LINEN-B-L",
        "variants-1-options": "颜色=黑; 尺码=L",
        "variants-1-price": "209.00",
        "variants-1-compare_at_price": "",
        "variants-1-cost_price": "85.00",
        "variants-1-weight_grams": "260",
        "variants-1-barcode": "",
        "variants-1-stock": "5",
    }
    data.update(overrides)
    return data


def edit_page_post(client, product):
    """The edit form as the browser would send it back unchanged (read-only inputs included)."""
    response = client.get(f"/console/catalog/products/{product.slug}/")
    assert response.status_code == 200
    data = {}
    form, formset = response.context["form"], response.context["formset"]
    for field in form:
        if field.name == "version" or not field.field.widget.attrs.get("disabled"):
            data[field.html_name] = "" if field.value() is None else str(field.value())
    for f in formset.forms:
        for field in f:
            data[field.html_name] = "" if field.value() is None else str(field.value())
    data.update(
        {
            "variants-TOTAL_FORMS": str(len(formset.forms)),
            "variants-INITIAL_FORMS": str(len(formset.forms)),
            "new-TOTAL_FORMS": "0",
            "new-INITIAL_FORMS": "0",
        }
    )
    return data


def test_product_list_shows_price_range_stock_and_status(client, staff):
    make_product(name="纯棉T恤", skus=["TEE-S", "TEE-M"], price="59.00", stock=7)
    client.force_login(staff("operator"))
    response = client.get("/console/catalog/products/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "纯棉T恤" in html
    assert "¥59.00" in html
    assert response.context["items"][0]["stock"] == 14
    assert "已上架" in html


def test_product_list_search_by_sku_and_filter_by_status(client, staff):
    make_product(name="纯棉T恤", skus=["TEE-1"])
    make_product(name="羊毛围巾", skus=["SCARF-1"], status=Product.Status.DRAFT)
    client.force_login(staff("operator"))
    names = lambda r: [i["product"].name for i in r.context["items"]]  # noqa: E731
    assert names(client.get("/console/catalog/products/", {"q": "SCARF-1"})) == ["羊毛围巾"]
    assert names(client.get("/console/catalog/products/", {"status": "listed"})) == ["纯棉T恤"]
    assert names(client.get("/console/catalog/products/", {"q": "围巾"})) == ["羊毛围巾"]


def test_product_list_filters_by_category(client, staff):
    shoes = make_category(name="鞋", name_en="Shoes", slug="shoes")
    make_product(name="跑鞋", skus=["RUN-1"], category=shoes)
    make_product(name="纯棉T恤", skus=["TEE-1"])
    client.force_login(staff("operator"))
    response = client.get("/console/catalog/products/", {"category": shoes.pk})
    assert [i["product"].name for i in response.context["items"]] == ["跑鞋"]


def test_operator_creates_a_product_with_two_variants_and_stock(client, staff):
    operator = staff("operator")
    client.force_login(operator)
    response = client.post("/console/catalog/products/new/", create_post())
    product = Product.objects.get(name="亚麻衬衫")
    assert response.status_code == 302
    assert response["Location"] == f"/console/catalog/products/{product.slug}/"
    variants = {v.sku: v for v in product.variants.all()}
    assert variants["LINEN-W-M"].price == Decimal("199.00")
    assert variants["LINEN-W-M"].compare_at_price == Decimal("259.00")
    assert variants["LINEN-W-M"].options == {"颜色": "白", "尺码": "M"}
    assert variants["LINEN-B-L"].price == Decimal("209.00")
    assert variants["LINEN-B-L"].compare_at_price is None
    assert "<script>" not in product.description
    assert sorted(t.name for t in product.tags.all()) == ["亚麻", "夏季"]
    on_hand = get_on_hand_by_variant([v.id for v in variants.values()])
    assert on_hand == {variants["LINEN-W-M"].id: 12, variants["LINEN-B-L"].id: 5}
    moves = StockMove.objects.filter(variant__product=product).order_by("variant__sku")
    assert [(m.variant.sku, m.kind, m.on_hand_delta, m.actor) for m in moves] == [
        ("LINEN-B-L", "adjustment", 5, operator),
        ("LINEN-W-M", "adjustment", 12, operator),
    ]


def test_create_with_a_taken_sku_shows_the_error_and_creates_nothing(client, staff):
    make_product(skus=["LINEN-W-M"])
    client.force_login(staff("operator"))
    response = client.post("/console/catalog/products/new/", create_post())
    assert response.status_code == 422
    assert "SKU 编码已被其他商品使用。" in response.content.decode()
    assert not Product.objects.filter(name="亚麻衬衫").exists()


def test_add_row_without_javascript_keeps_what_was_typed(client, staff):
    client.force_login(staff("operator"))
    response = client.post("/console/catalog/products/new/", create_post(add_row="1"))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 3
    assert 'value="LINEN-W-M"' in response.content.decode()
    assert not Product.objects.exists()


def test_operator_edits_a_price_and_the_audit_log_has_old_and_new(client, staff):
    product = make_product(skus=["TEE-M"], price="59.00")
    client.force_login(staff("operator"))
    data = edit_page_post(client, product)
    data["variants-0-price"] = "69.00"
    response = client.post(f"/console/catalog/products/{product.slug}/", data)
    assert response.status_code == 302
    assert Variant.objects.get(sku="TEE-M").price == Decimal("69.00")
    entry = AuditEntry.objects.get(action="price.changed", object_id=str(product.pk), actor_label="operator")
    assert entry.changes == {"price[TEE-M]": ["59.00", "69.00"]}


def test_warehouse_sees_read_only_prices_and_a_forged_price_change_is_403(client, staff):
    product = make_product(skus=["TEE-M"], price="59.00", stock=10)
    client.force_login(staff("warehouse"))
    response = client.get(f"/console/catalog/products/{product.slug}/")
    html = response.content.decode()
    assert 'name="variants-0-price" value="59.00" step="0.01" min="0" readonly' in html or (
        'name="variants-0-price"' in html
        and response.context["formset"].forms[0].fields["price"].widget.attrs["readonly"]
    )
    data = edit_page_post(client, product)
    data["variants-0-price"] = "1.00"
    data["variants-0-stock"] = "20"
    response = client.post(f"/console/catalog/products/{product.slug}/", data)
    assert response.status_code == 403
    variant = Variant.objects.get(sku="TEE-M")
    assert variant.price == Decimal("59.00")
    assert get_on_hand_by_variant([variant.id]) == {variant.id: 10}
    assert not AuditEntry.objects.filter(action="price.changed", actor_label="warehouse").exists()
    assert Product.objects.get(pk=product.pk).version == product.version


def test_warehouse_can_change_stock(client, staff):
    product = make_product(skus=["TEE-M"], price="59.00", stock=10)
    warehouse = staff("warehouse")
    client.force_login(warehouse)
    data = edit_page_post(client, product)
    data["variants-0-stock"] = "25"
    data["reason"] = "到货"
    response = client.post(f"/console/catalog/products/{product.slug}/", data)
    assert response.status_code == 302
    variant = Variant.objects.get(sku="TEE-M")
    assert get_on_hand_by_variant([variant.id]) == {variant.id: 25}
    assert variant.price == Decimal("59.00")
    move = StockMove.objects.filter(variant=variant).first()
    assert (move.on_hand_delta, move.reason, move.actor) == (15, "到货", warehouse)
    assert AuditEntry.objects.filter(action="stock.adjusted", actor_label="warehouse").count() == 1


def test_status_change_needs_publish_permission(client, staff):
    product = make_product(skus=["TEE-M"], status=Product.Status.DRAFT)
    client.force_login(staff("designer"))
    data = edit_page_post(client, product)
    data["status"] = "listed"
    assert client.post(f"/console/catalog/products/{product.slug}/", data).status_code == 403
    assert Product.objects.get(pk=product.pk).status == "draft"


def test_operator_lists_a_product(client, staff):
    product = make_product(skus=["TEE-M"], status=Product.Status.DRAFT)
    client.force_login(staff("operator"))
    data = edit_page_post(client, product)
    data["status"] = "listed"
    assert client.post(f"/console/catalog/products/{product.slug}/", data).status_code == 302
    assert Product.objects.get(pk=product.pk).status == "listed"


def test_stale_version_edit_is_refused_with_a_message(client, staff):
    product = make_product(skus=["TEE-M"], price="59.00")
    client.force_login(staff("operator"))
    data = edit_page_post(client, product)
    update_product(actor=None, product=Product.objects.get(pk=product.pk), changes={"name": "别人改的名字"})
    data["variants-0-price"] = "79.00"
    response = client.post(f"/console/catalog/products/{product.slug}/", data)
    assert response.status_code == 409
    assert "该商品已被他人修改，请刷新后重新编辑。" in response.content.decode()
    assert Variant.objects.get(sku="TEE-M").price == Decimal("59.00")
    assert Product.objects.get(pk=product.pk).name == "别人改的名字"


def test_operator_adds_a_variant_on_the_edit_page(client, staff):
    product = make_product(skus=["TEE-M"], price="59.00")
    client.force_login(staff("operator"))
    data = edit_page_post(client, product)
    data.update(
        {
            "new-TOTAL_FORMS": "1",
            "new-0-sku": "TEE-XL",
            "new-0-options": "尺码=XL",
            "new-0-price": "65.00",
            "new-0-cost_price": "22.00",
            "new-0-stock": "3",
        }
    )
    assert client.post(f"/console/catalog/products/{product.slug}/", data).status_code == 302
    variant = Variant.objects.get(sku="TEE-XL")
    assert (variant.product_id, variant.price, variant.options) == (product.pk, Decimal("65.00"), {"尺码": "XL"})
    assert get_on_hand_by_variant([variant.id]) == {variant.id: 3}


def test_agent_cannot_delete_a_product(client, staff):
    product = make_product(skus=["TEE-M"])
    client.force_login(staff("agent"))
    assert client.post(f"/console/catalog/products/{product.slug}/delete/").status_code == 403
    assert Product.objects.filter(pk=product.pk).exists()


def test_operator_deletes_a_product_after_confirming(client, staff):
    product = make_product(skus=["TEE-M"])
    client.force_login(staff("operator"))
    assert "确认删除" in client.get(f"/console/catalog/products/{product.slug}/delete/").content.decode()
    response = client.post(f"/console/catalog/products/{product.slug}/delete/")
    assert response.status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()
    assert AuditEntry.objects.filter(action="product.deleted", actor_label="operator").exists()


def test_image_upload_shows_a_thumbnail(client, staff):
    product = make_product(skus=["TEE-M"])
    client.force_login(staff("designer"))
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), "red").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "red-shirt.png"
    response = client.post(
        f"/console/catalog/products/{product.slug}/images/", {"image": buffer, "alt_text": "红色T恤正面"}
    )
    assert response.status_code == 302
    image = product.images.get()
    assert image.alt_text == "红色T恤正面"
    html = client.get(f"/console/catalog/products/{product.slug}/").content.decode()
    assert image.thumbnail.url in html
    assert 'alt="红色T恤正面"' in html


def test_stock_ledger_per_sku(client, staff):
    make_product(skus=["TEE-M"], stock=10)
    client.force_login(staff("warehouse"))
    response = client.get("/console/inventory/sku/TEE-M/moves/")
    assert response.status_code == 200
    assert [(m.kind, m.on_hand_delta) for m in response.context["moves"]] == [("adjustment", 10)]
    assert response.context["on_hand"] == 10


def test_product_holding_stock_for_an_open_order_cannot_be_deleted(client, staff):
    from dianpu.orders.tests.builders import place_test_order

    product = make_product(skus=["TEE-M"], stock=5)
    place_test_order({"TEE-M": 1})
    client.force_login(staff("operator"))
    response = client.post(f"/console/catalog/products/{product.slug}/delete/", follow=True)
    assert "该商品已有关联记录，不能删除，可改为下架。" in response.content.decode()
    assert Product.objects.filter(pk=product.pk).exists()
    assert not AuditEntry.objects.filter(action="product.deleted").exists()


def test_operator_gives_option_values_in_english_and_the_english_shop_shows_them(client, staff):
    product = make_product(skus=["TEE-M"], price="59.00")
    Variant.objects.filter(sku="TEE-M").update(options={"颜色": "白", "尺码": "M"})
    client.force_login(staff("operator"))
    data = edit_page_post(client, product)
    data["variants-0-options_en"] = "颜色=White; 尺码=M"
    assert client.post(f"/console/catalog/products/{product.slug}/", data).status_code == 302
    variant = Variant.objects.get(sku="TEE-M")
    assert variant.options_en == {"颜色": "White", "尺码": "M"}
    page = client.get(f"/console/catalog/products/{product.slug}/").content.decode()
    shown = re.search(r'name="variants-0-options_en"[^>]*value="([^"]*)"', page).group(1)
    assert sorted(shown.split("; ")) == ["尺码=M", "颜色=White"]  # PostgreSQL keeps JSON keys in its own order
    shop = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/products/{product.slug}/").content.decode()
    assert "White" in shop
    data = edit_page_post(client, product)
    data["variants-0-options_en"] = "Colour=White"
    page = client.post(f"/console/catalog/products/{product.slug}/", data).content.decode()
    assert "英文规格值的名称须与中文规格一致：Colour" in page
    assert Variant.objects.get(sku="TEE-M").options_en == {"颜色": "White", "尺码": "M"}
