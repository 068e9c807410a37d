"""The last use of a coupon and the last flash-sale unit go to exactly one buyer: real threads,
a barrier, the real database (SQLite file in WAL mode, or PostgreSQL)."""

import json

import pytest
from django.test import Client

from dianpu.catalog.tests.builders import make_product
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS
from dianpu.promotions.models import Coupon, CouponRedemption, CouponUse, FlashSalePurchase, Promotion
from dianpu.promotions.tests.builders import make_coupon, make_promotion

from .test_last_units import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
BUYERS = 8


def buy(sku, email, codes=()):
    body = {
        "email": email,
        "lines": [{"sku": sku, "quantity": 1}],
        "coupon_codes": list(codes),
        "shipping_address": ADDRESS,
        "shipping_method": "standard",
        "payment_method": "bank_transfer",
    }
    response = Client().post("/api/v1/checkout", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def test_last_coupon_use_is_counted_once():
    make_product(price="120.00", stock=50, skus=["RACE-C"])
    make_coupon("LAST2", amount="20.00", usage_limit=2)

    results = run_in_threads(BUYERS, lambda i: buy("RACE-C", f"c{i}@example.com", ["LAST2"]))
    codes = sorted(status for status, _body in results)
    assert codes == [201] * 2 + [422] * (BUYERS - 2), results
    assert {body["code"] for status, body in results if status == 422} == {"coupon_used_up"}
    assert {body["total"] for status, body in results if status == 201} == {"100.00"}
    assert Coupon.objects.get().used_count == 2
    assert CouponRedemption.objects.count() == 2 and Order.objects.count() == 2


def test_same_customer_racing_for_a_once_per_customer_coupon_wins_once():
    make_product(price="120.00", stock=50, skus=["RACE-P"])
    make_coupon("ONCE", amount="20.00", per_customer_limit=1)

    results = run_in_threads(BUYERS, lambda i: buy("RACE-P", "same@example.com", ["ONCE"]))
    assert sorted(status for status, _ in results) == [201] + [422] * (BUYERS - 1), results
    assert CouponUse.objects.get().uses == 1 and Coupon.objects.get().used_count == 1
    assert Order.objects.count() == 1


def test_flash_sale_cap_holds_under_concurrency():
    make_product(price="100.00", stock=50, skus=["RACE-F"])
    make_promotion(
        "flash_sale", name="秒杀", price="9.90", per_customer_limit=1, stock_cap=3, scope={"skus": ["RACE-F"]}
    )

    results = run_in_threads(BUYERS, lambda i: buy("RACE-F", f"f{i}@example.com"))
    statuses = [status for status, _ in results]
    # ¥9.90 flash price + ¥8 shipping (free-over ¥99 counts the goods after the flash discount)
    flash_orders = [body for status, body in results if status == 201 and body["total"] == "17.90"]
    assert len(flash_orders) == 3, results
    # The others either lost the race (422 flash_sold_out, nothing written) or were priced after
    # the cap was reached and paid the list price.
    assert all(body["code"] == "flash_sold_out" for status, body in results if status == 422)
    assert Promotion.objects.get().flash_sold == 3
    assert FlashSalePurchase.objects.filter(units=1).count() == 3
    assert Order.objects.count() == statuses.count(201)
