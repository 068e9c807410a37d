"""Rate tables by weight and province, charged at checkout and shown by the API."""

from decimal import Decimal

import pytest
from django.utils import translation

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import ValidationFailed
from dianpu.fulfillment.models import ShippingRate
from dianpu.fulfillment.services import save_shipping_rate, update_shipping_method
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS, place_test_order

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def table(staff):
    make_product(skus=["TEE"], price="20.00", stock=50)  # 300 g each
    owner = staff("owner")
    save_shipping_rate(
        actor=owner,
        code="standard",
        province="",
        first_weight_grams=1000,
        first_fee=D("10.00"),
        step_grams=1000,
        step_fee=D("5.00"),
    )
    save_shipping_rate(
        actor=owner,
        code="standard",
        province="新疆",
        first_weight_grams=1000,
        first_fee=D("20.00"),
        step_grams=500,
        step_fee=D("8.00"),
    )
    return owner


def test_checkout_charges_first_weight_plus_steps_for_the_province(table):
    order = place_test_order({"TEE": 4})  # 1200 g to 上海: 10 + 5
    assert (order.subtotal, order.shipping_total, order.grand_total) == (D("80.00"), D("15.00"), D("95.00"))
    far = place_test_order({"TEE": 4}, email="x@example.com", address={**ADDRESS, "province": "新疆维吾尔自治区"})
    assert far.shipping_total == D("28.00")  # 20 + 1 × 8


def test_free_shipping_over_the_threshold(table):
    assert place_test_order({"TEE": 5}).shipping_total == D("0.00")  # 100 ≥ 99


def test_a_method_that_does_not_serve_the_province_is_refused_and_nothing_is_written(table):
    ShippingRate.objects.filter(province="").delete()
    with pytest.raises(ValidationFailed) as exc:
        place_test_order({"TEE": 1})
    assert exc.value.errors == {"shipping_method": "该配送方式不送达此地区，请选择其他配送方式。"}
    assert Order.objects.count() == 0
    assert StockLevel.objects.get(variant__sku="TEE").reserved == 0


def test_too_heavy_is_refused(table):
    update_shipping_method(actor=table, code="standard", changes={"max_weight_grams": 1000})
    with pytest.raises(ValidationFailed) as exc:
        place_test_order({"TEE": 4})
    assert exc.value.errors["shipping_method"] == "包裹超过该配送方式的重量上限，请选择其他配送方式。"


def test_api_quotes_each_method(api, table):
    body = api.post("shipping-quotes", {"province": "新疆", "lines": [{"sku": "TEE", "quantity": 2}]}).json()
    assert (body["subtotal"], body["weight_grams"]) == ("40.00", 600)
    by_code = {m["code"]: (m["available"], m["fee"]) for m in body["methods"]}
    assert by_code == {"standard": (True, "20.00"), "express": (True, "18.00"), "pickup": (True, "0.00")}


def test_api_rate_editing_is_for_managers_and_audited(staff_api, table):
    denied = staff_api("warehouse").post("shipping-methods/express/rates", {"first_fee": "9.00"})
    assert denied.status_code == 403
    created = staff_api("operator").post("shipping-methods/express/rates", {"province": "北京", "first_fee": "9.00"})
    assert created.status_code == 201 and created.json()["province"] == "北京"
    assert AuditEntry.objects.filter(action="shipping_rate.saved").count() == 3
    bad = staff_api("operator").post("shipping-methods/express/rates", {"first_fee": "-1"})
    assert bad.status_code == 422


def test_console_rate_table_page(client, staff, table):
    client.force_login(staff("operator"))
    response = client.post(
        "/console/fulfillment/methods/standard/",
        {
            "form": "rate",
            "r-province": "西藏",
            "r-first_weight_grams": "1000",
            "r-first_fee": "30.00",
            "r-step_grams": "1000",
            "r-step_fee": "10.00",
        },
    )
    assert response.status_code == 302
    assert ShippingRate.objects.get(province="西藏").first_fee == D("30.00")
    html = client.get("/console/fulfillment/methods/standard/").content.decode()
    assert "西藏" in html and "新疆" in html
    client.force_login(staff("agent"))
    assert client.get("/console/fulfillment/methods/").status_code == 403


def test_checkout_page_shows_the_fee_for_the_typed_province(client, table):
    from dianpu.cart.services import add_to_cart, get_or_create_cart

    cart = get_or_create_cart(None)
    add_to_cart(cart, sku="TEE", quantity=4)
    session = client.session
    session["cart_token"] = str(cart.token)
    session.save()
    response = client.post("/checkout/", {"province": "新疆", "shipping_method": "standard"})
    options = {o["method"].code: o["fee"] for o in response.context["shipping_options"]}
    assert options["standard"] == D("28.00")
