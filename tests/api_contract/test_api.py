"""The /api/v1/ contract that outside checks rely on (issue: the foundation)."""

from decimal import Decimal

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog.models import Product, Variant
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS

pytestmark = pytest.mark.django_db


def checkout_body(sku="TEE-M", quantity=1, **overrides):
    return {
        "email": "buyer@example.com",
        "lines": [{"sku": sku, "quantity": quantity}],
        "shipping_address": dict(ADDRESS),
        "shipping_method": "standard",
        "payment_method": "bank_transfer",
        **overrides,
    }


@pytest.fixture
def tee():
    return make_product(
        name="纯棉T恤",
        name_en="Cotton T-shirt",
        price="59.00",
        stock=3,
        skus=["TEE-M", "TEE-L"],
        category=make_category(slug="apparel"),
    )


def test_healthz_says_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_product_list_has_slug_name_price_and_stock(api, tee):
    make_product(name="草稿商品", status=Product.Status.DRAFT)
    body = api.get("products", search="", category="", page=1).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["slug"], item["name"], item["price"], item["in_stock"]) == (tee.slug, "纯棉T恤", "59.00", True)


@pytest.mark.parametrize("query", ["T恤", "纯棉", "cotton", "COTTON t-shirt"])
def test_product_search_works_for_chinese_and_english_words(api, tee, query):
    make_product(name="西湖龙井", name_en="West Lake Longjing tea", description="<p>明前茶。</p>")
    assert [i["slug"] for i in api.get("products", search=query).json()["items"]] == [tee.slug]


def test_product_list_filters_by_category_including_subcategories(api, tee):
    parent = make_category(name="数码", name_en="Electronics", slug="electronics")
    child = make_category(name="耳机", name_en="Headphones", slug="headphones", parent=parent)
    phones = make_product(name="蓝牙耳机", name_en="Bluetooth headphones", category=child)
    assert [i["slug"] for i in api.get("products", category="electronics").json()["items"]] == [phones.slug]


def test_product_detail_has_url_and_variants_with_stock(api, tee):
    body = api.get(f"products/{tee.slug}").json()
    assert body["url"] == f"http://testserver/products/{tee.slug}/"
    assert [(v["sku"], v["price"], v["stock_available"]) for v in body["variants"]] == [
        ("TEE-M", "59.00", 3),
        ("TEE-L", "59.00", 3),
    ]
    assert "cost_price" not in body["variants"][0]


def test_draft_products_are_not_public(api):
    draft = make_product(status=Product.Status.DRAFT)
    assert api.get(f"products/{draft.slug}").status_code == 404


@pytest.mark.parametrize(
    "path, codes",
    [
        ("shipping-methods", {"standard", "express", "pickup"}),
        ("payment-methods", {"bank_transfer", "cod"}),
        ("carriers", {"sf", "jd", "zto", "yto", "sto", "yunda", "ems", "chinapost", "ups", "fedex", "dhl"}),
    ],
)
def test_reference_lists_have_codes(api, path, codes):
    assert {row["code"] for row in api.get(path).json()} == codes


def test_checkout_creates_an_order(api, tee):
    response = api.post("checkout", checkout_body(quantity=2))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending_payment"
    assert body["total"] == "118.00"  # 2 × 59.00, free standard shipping from 99
    assert [(ln["sku"], ln["quantity"], ln["line_total"]) for ln in body["lines"]] == [("TEE-M", 2, "118.00")]
    assert Order.objects.get(number=body["number"]).grand_total == Decimal("118.00")


def test_checkout_short_of_stock_is_409_naming_the_sku(api, tee):
    response = api.post("checkout", checkout_body(quantity=4))
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["sku"]) == ("out_of_stock", "TEE-M")
    assert "TEE-M" in body["detail"]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "body, fields",
    [
        (checkout_body(sku="NO-SUCH-SKU"), {"lines.0.sku"}),
        (checkout_body(quantity=0), {"lines.0.quantity"}),
        (checkout_body(quantity=-1), {"lines.0.quantity"}),
        (checkout_body(quantity="many"), {"lines.0.quantity"}),
        (checkout_body(email="not-an-email"), {"email"}),
        (
            checkout_body(shipping_address={"name": "张三"}),
            {"shipping_address.phone", "shipping_address.province", "shipping_address.city", "shipping_address.line1"},
        ),
        (checkout_body(shipping_address={**ADDRESS, "name": "名" * 200}), {"shipping_address.name"}),
        (checkout_body(shipping_address={**ADDRESS, "line1": "<script>alert(1)</script>"}), {"shipping_address.line1"}),
        (checkout_body(lines=[]), {"lines"}),
    ],
)
def test_bad_checkout_input_is_422_per_field_and_writes_nothing(api, tee, body, fields):
    response = api.post("checkout", body)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) == fields
    assert not Order.objects.exists()
    assert not StockLevel.objects.filter(reserved__gt=0).exists()


def test_staff_endpoints_need_a_token(api, tee):
    assert api.get("orders").status_code == 401
    assert api.post("products", {"name": "x", "variants": [{"sku": "X", "price": "1"}]}).status_code == 401
    assert api.get("orders").json()["code"] == "unauthorized"


def test_a_wrong_token_is_401(tee):
    from conftest import ApiClient

    assert ApiClient(token="dp_not-a-real-token").get("orders").status_code == 401


def test_staff_ship_an_order_through_transitions(api, staff_api, tee):
    number = api.post("checkout", checkout_body()).json()["number"]
    owner = staff_api("owner")
    listed = owner.get("orders", status="pending_payment").json()
    assert [o["number"] for o in listed["items"]] == [number]
    detail = owner.get(f"orders/{number}").json()
    assert detail["allowed_actions"] == ["mark_paid", "cancel"]
    assert owner.post(f"orders/{number}/transitions", {"action": "mark_paid"}).json()["status"] == "paid"
    shipped = owner.post(
        f"orders/{number}/transitions", {"action": "ship", "carrier": "sf", "tracking_number": "SF1234567890123"}
    ).json()
    assert (shipped["status"], shipped["tracking_number"]) == ("shipped", "SF1234567890123")
    assert [(h["from_status"], h["to_status"], h["actor"]) for h in shipped["history"]][-2:] == [
        ("pending_payment", "paid", "owner"),
        ("paid", "shipped", "owner"),
    ]
    delivered = owner.post(f"orders/{number}/transitions", {"action": "mark_delivered"}).json()
    assert delivered["status"] == "delivered"


def test_impossible_transition_is_409_with_a_clear_error(api, staff_api, tee):
    number = api.post("checkout", checkout_body()).json()["number"]
    response = staff_api("owner", language="en").post(f"orders/{number}/transitions", {"action": "mark_delivered"})
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert Order.objects.get(number=number).status == "pending_payment"


def test_roles_are_enforced_on_transitions(api, staff_api, tee):
    number = api.post("checkout", checkout_body()).json()["number"]
    assert staff_api("warehouse").post(f"orders/{number}/transitions", {"action": "mark_paid"}).status_code == 403
    assert staff_api("designer").get("orders").status_code == 403
    assert staff_api("finance").post(f"orders/{number}/transitions", {"action": "mark_paid"}).status_code == 200
    assert Order.objects.get(number=number).status == "paid"


def test_operator_creates_a_product_with_sanitised_html(staff_api):
    response = staff_api("operator").post(
        "products",
        {
            "name": "<b>真丝围巾</b>",
            "name_en": "Silk scarf",
            "status": "listed",
            "description": '<p onclick="steal()">柔软<script>alert(1)</script><a href="javascript:x">link</a></p>',
            "variants": [{"sku": "SCARF-1", "price": "199.00", "stock": 7, "options": {"颜色": "红"}}],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "真丝围巾"
    assert "script" not in body["description"] and "onclick" not in body["description"]
    assert "javascript:" not in body["description"]
    assert body["variants"][0]["stock_available"] == 7


def test_patch_changes_name_status_price_and_stock_and_audits_the_price(staff_api, tee):
    response = staff_api("owner").patch(
        f"products/{tee.slug}",
        {
            "name": "精梳棉T恤",
            "status": "delisted",
            "variants": [{"sku": "TEE-M", "price": "49.00", "stock": 10}],
            "reason": "清仓",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["status"]) == ("精梳棉T恤", "delisted")
    assert body["variants"][0]["price"] == "49.00"
    assert body["variants"][0]["stock_on_hand"] == 10
    entry = AuditEntry.objects.get(action="price.changed")
    assert (entry.actor_label, entry.changes, entry.reason) == ("owner", {"price[TEE-M]": ["59.00", "49.00"]}, "清仓")
    assert AuditEntry.objects.filter(action="stock.adjusted", actor_label="owner").exists()


def test_warehouse_cannot_change_prices_but_can_change_stock(staff_api, tee):
    warehouse = staff_api("warehouse")
    refused = warehouse.patch(f"products/{tee.slug}", {"variants": [{"sku": "TEE-M", "price": "1.00"}]})
    assert refused.status_code == 403
    assert Variant.objects.get(sku="TEE-M").price == Decimal("59.00")
    ok = warehouse.patch(f"products/{tee.slug}", {"variants": [{"sku": "TEE-M", "stock": 8}]})
    assert ok.status_code == 200
    assert StockLevel.objects.get(variant__sku="TEE-M").on_hand == 8


def test_agent_cannot_delete_products_but_operator_can(staff_api, tee):
    assert staff_api("agent").delete(f"products/{tee.slug}").status_code == 403
    assert Product.objects.filter(pk=tee.pk).exists()
    assert staff_api("operator").delete(f"products/{tee.slug}").status_code == 204
    assert not Product.objects.filter(pk=tee.pk).exists()


def test_a_stale_version_is_refused_not_overwritten(staff_api, tee):
    owner = staff_api("owner")
    version = owner.get(f"products/{tee.slug}").json()["version"]
    assert owner.patch(f"products/{tee.slug}", {"name": "第一次", "version": version}).status_code == 200
    late = owner.patch(f"products/{tee.slug}", {"name": "第二次", "version": version})
    assert late.status_code == 409
    assert late.json()["code"] == "product_changed"
    assert Product.objects.get(pk=tee.pk).name == "第一次"


def test_negative_price_is_422_and_nothing_changes(staff_api, tee):
    response = staff_api("owner").patch(f"products/{tee.slug}", {"variants": [{"sku": "TEE-M", "price": "-5"}]})
    assert response.status_code == 422
    assert "variants.0.price" in response.json()["errors"]
    assert Variant.objects.get(sku="TEE-M").price == Decimal("59.00")


def test_errors_follow_accept_language(api_en, tee):
    body = api_en.post("checkout", checkout_body(quantity=0)).json()
    assert body["errors"]["lines.0.quantity"] == "The quantity must be a whole number from 1 to 999."


@pytest.mark.parametrize(
    "address, code",
    [
        ({**ADDRESS, "phone": "1380013800"}, "phone_mobile_digits"),
        ({**ADDRESS, "phone": "12345678901"}, "phone_invalid"),
        ({**ADDRESS, "country": "US", "phone": "13800138000"}, "phone_invalid"),
    ],
)
def test_a_phone_that_cannot_be_dialled_is_422_on_shipping_address_phone(api, api_en, tee, address, code):
    response = api.post("checkout", checkout_body(shipping_address=address))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["error_codes"] == {"shipping_address.phone": code}
    assert list(response.json()["errors"]) == ["shipping_address.phone"]
    english = api_en.post("checkout", checkout_body(shipping_address=address)).json()["errors"]
    assert (
        english["shipping_address.phone"]
        == {
            "phone_mobile_digits": "A mainland China mobile number has 11 digits; please check it.",
            "phone_invalid": "Please enter a valid phone number.",
        }[code]
    )
    assert not Order.objects.exists()
    assert not StockLevel.objects.filter(reserved__gt=0).exists()
