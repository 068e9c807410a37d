"""Tax: rate per product class (category), prices with tax included or excluded, the summary per
period; invoice (发票) requests from customers and their status."""

from datetime import date
from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.customers.tests.builders import make_account, token_of
from dianpu.finance import tax
from dianpu.finance.domain.tax import split_tax
from dianpu.finance.models import InvoiceRequest
from dianpu.orders.tests.builders import place_test_order

from .builders import paid_order

pytestmark = pytest.mark.django_db


def test_split_tax_included_and_excluded():
    assert split_tax(Decimal("113.00"), Decimal("13"), included=True) == (Decimal("100.00"), Decimal("13.00"))
    assert split_tax(Decimal("100.00"), Decimal("13"), included=False) == (Decimal("100.00"), Decimal("13.00"))
    assert split_tax(Decimal("10.90"), Decimal("9"), included=True) == (Decimal("10.00"), Decimal("0.90"))


def test_tax_summary_per_rate_of_each_product_class(staff_api, at):
    at(2026, 3, 5, 10, 0)
    food = make_category("食品", "Food")
    make_product(name="茶叶", price="109.00", stock=10, skus=["TEA"], category=food)
    make_product(name="T恤", price="113.00", stock=10, skus=["TEE"])
    api = staff_api("finance")
    r = api._call(
        "put",
        "finance/tax-settings",
        {"prices_include_tax": True, "default_percent": "13", "category_percents": {str(food.pk): "9"}},
    )
    assert r.status_code == 200, r.content
    paid_order({"TEA": 1, "TEE": 1})  # ¥222.00, free shipping
    body = api.get("finance/tax-summary", date_from="2026-03-01", date_to="2026-03-31").json()
    assert body == {
        "prices_include_tax": True,
        "tax_total": "22.00",
        "rows": [
            {"rate_percent": "9.00", "charged": "109.00", "base": "100.00", "tax": "9.00"},
            {"rate_percent": "13.00", "charged": "113.00", "base": "100.00", "tax": "13.00"},
        ],
    }
    api._call(
        "put",
        "finance/tax-settings",
        {"prices_include_tax": False, "default_percent": "13", "category_percents": {str(food.pk): "9"}},
    )
    assert tax.get_tax_summary(date(2026, 3, 1), date(2026, 3, 31))["tax_total"] == Decimal("24.50")
    bad = api._call("put", "finance/tax-settings", {"default_percent": "-1"})
    assert (bad.status_code, bad.json()["code"]) == (422, "tax_rate_invalid")


def test_customer_requests_an_invoice_and_finance_issues_it(api, staff_api, at):
    at(2026, 3, 5, 10, 0)
    make_product(price="120.00", stock=10, skus=["TEE"])
    customer = make_account("mei@example.com")
    order = paid_order({"TEE": 1}, email="mei@example.com")
    unpaid = place_test_order({"TEE": 1}, email="mei@example.com")
    assert order.customer_id == customer.pk
    api.headers["HTTP_AUTHORIZATION"] = f"Bearer {token_of(customer)}"
    body = {
        "order_number": order.number,
        "title": "上海某某有限公司",
        "tax_number": "91310000MA1FL8XQ3C",
        "email": "mei@example.com",
    }
    r = api.post("me/invoice-requests", body)
    assert r.status_code == 201, r.content
    assert (r.json()["amount"], r.json()["status"]) == ("120.00", "requested")
    assert api.post("me/invoice-requests", body).json()["code"] == "invoice_already_requested"
    assert api.post("me/invoice-requests", {**body, "order_number": unpaid.number}).json()["code"] == "order_not_paid"
    assert api.post("me/invoice-requests", {**body, "tax_number": "123"}).json()["code"] == "tax_number_invalid"
    assert InvoiceRequest.objects.count() == 1
    finance = staff_api("finance")
    listed = finance.get("finance/invoice-requests").json()
    assert [x["order_number"] for x in listed] == [order.number]
    request_id = listed[0]["id"]
    missing = finance.post(f"finance/invoice-requests/{request_id}/issue", {})
    assert missing.json()["code"] == "invoice_number_required"
    issued = finance.post(f"finance/invoice-requests/{request_id}/issue", {"invoice_number": "26312000000012345678"})
    assert (issued.status_code, issued.json()["status"]) == (200, "issued")
    again = finance.post(f"finance/invoice-requests/{request_id}/reject", {"note": "重复"})
    assert (again.status_code, again.json()["code"]) == (409, "invoice_already_decided")


def test_anonymous_cannot_request_an_invoice(api):
    assert api.post("me/invoice-requests", {"order_number": "DP1"}).status_code == 401
