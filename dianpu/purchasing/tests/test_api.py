"""Purchasing endpoints: suppliers, suggestions, purchase orders through to receipt; roles."""

from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.inventory.models import StockLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def tee():
    return make_product(stock=10, skus=["TEE-M"], cost_price="20.00").variants.get()


def test_operator_orders_warehouse_receives(staff_api, tee):
    operator, warehouse = staff_api("operator"), staff_api("warehouse")
    created = operator.post("suppliers", {"code": "yiwu", "name": "义乌织造厂", "lead_time_days": 10})
    assert created.status_code == 201
    priced = operator.post("suppliers/yiwu/prices", {"sku": "TEE-M", "unit_cost": "30.00", "min_order_quantity": 6})
    assert priced.json()["prices"] == [
        {"sku": "TEE-M", "unit_cost": "30.00", "min_order_quantity": 6, "supplier_sku": ""}
    ]
    order = operator.post("purchase-orders", {"supplier": "yiwu", "lines": [{"sku": "TEE-M", "quantity": 10}]})
    assert order.status_code == 201
    number = order.json()["number"]
    assert (order.json()["status"], order.json()["total"]) == ("draft", "300.00")
    assert warehouse.post(f"purchase-orders/{number}/send").status_code == 403
    assert operator.post(f"purchase-orders/{number}/send").json()["status"] == "sent"
    pdf = operator.get(f"purchase-orders/{number}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        operator.post(f"purchase-orders/{number}/receipts", {"lines": [{"sku": "TEE-M", "quantity": 1}]}).status_code
        == 403
    )
    over = warehouse.post(f"purchase-orders/{number}/receipts", {"lines": [{"sku": "TEE-M", "quantity": 11}]})
    assert (over.status_code, over.json()["code"]) == (422, "over_receipt")
    assert StockLevel.objects.get(variant=tee).on_hand == 10
    bad = warehouse.post(f"purchase-orders/{number}/receipts", {"lines": [{"sku": "TEE-M", "quantity": "ten"}]})
    assert bad.status_code == 422 and "lines.0.quantity" in bad.json()["errors"]
    part = warehouse.post(f"purchase-orders/{number}/receipts", {"lines": [{"sku": "TEE-M", "quantity": 4}]}).json()
    assert (part["status"], part["lines"][0]["quantity_received"]) == ("partially_received", 4)
    done = warehouse.post(
        f"purchase-orders/{number}/receipts", {"lines": [{"sku": "TEE-M", "quantity": 7}], "allow_over": True}
    ).json()
    assert (done["status"], done["lines"][0]["quantity_received"]) == ("received", 11)
    tee.refresh_from_db()
    assert (StockLevel.objects.get(variant=tee).on_hand, tee.cost_price) == (21, Decimal("25.24"))
    listed = staff_api("finance").get("purchase-orders", status="received").json()
    assert [(o["number"], o["units_ordered"], o["units_received"]) for o in listed["items"]] == [(number, 10, 11)]


def test_suggestions_to_orders(staff_api, tee):
    operator = staff_api("operator")
    operator.post("suppliers", {"code": "yiwu", "name": "义乌织造厂", "lead_time_days": 10})
    operator.post("suppliers/yiwu/prices", {"sku": "TEE-M", "unit_cost": "30.00"})
    operator.post("stock-levels/TEE-M/safety-stock", {"warehouse": "main", "safety_stock": 15})
    [s] = operator.get("replenishment-suggestions").json()
    assert (s["sku"], s["supplier"], s["quantity"], s["available"]) == ("TEE-M", "yiwu", 5, 10)
    orders = operator.post("purchase-orders/from-suggestions", {"lines": [{"sku": "TEE-M", "quantity": 5}]})
    assert orders.status_code == 201
    assert [(o["supplier"], o["lines"][0]["quantity_ordered"]) for o in orders.json()] == [("yiwu", 5)]
    assert staff_api("designer").get("replenishment-suggestions").status_code == 403


def test_bad_supplier_input(staff_api, tee):
    operator = staff_api("operator", "en")
    negative = operator.post("suppliers", {"code": "x", "name": "X", "lead_time_days": -2})
    assert negative.status_code == 422 and "lead_time_days" in negative.json()["errors"]
    operator.post("suppliers", {"code": "x", "name": "X"})
    taken = operator.post("suppliers", {"code": "x", "name": "X"})
    assert (taken.status_code, taken.json()["code"]) == (409, "supplier_code_taken")
    email = operator.post("suppliers", {"code": "y", "name": "Y", "email": "not-an-address"})
    assert (email.status_code, email.json()["detail"]) == (422, "The e-mail address is not valid.")
    price = operator.post("suppliers/x/prices", {"sku": "TEE-M", "unit_cost": "-1"})
    assert price.status_code == 422 and "unit_cost" in price.json()["errors"]


def test_a_supplier_phone_is_checked_like_every_other_phone(staff_api, tee):
    from dianpu.purchasing.models import Supplier

    operator = staff_api("operator", "en")
    short = operator.post("suppliers", {"code": "z", "name": "Z", "phone": "1380013800"})
    assert (short.status_code, short.json()["code"], short.json()["detail"]) == (
        422,
        "phone_mobile_digits",
        "A mainland China mobile number has 11 digits; please check it.",
    )
    assert not Supplier.objects.filter(code="z").exists()
    landline = operator.post("suppliers", {"code": "z", "name": "Z", "phone": "0579-85123456"})  # Yiwu
    assert landline.status_code == 201
    assert operator.patch("suppliers/z", {"phone": "12345678901"}).json()["code"] == "phone_invalid"
    assert Supplier.objects.get(code="z").phone == "0579-85123456"
