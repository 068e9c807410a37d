"""Many checkouts redeeming the same points at once: the balance never goes below zero, exactly as
many orders as the points cover are placed, the others are refused with nothing written."""

import json
from dataclasses import replace

import pytest
from django.test import Client

from dianpu.catalog.tests.builders import make_product
from dianpu.checkout.services import place_order
from dianpu.core.errors import DomainError
from dianpu.customers.models import Customer, PointsEntry
from dianpu.customers.tests.builders import make_account, token_of
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import ADDRESS, checkout_request

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
BUYERS = 8


def assert_ledger_matches(customer_id, balance):
    assert Customer.objects.get(pk=customer_id).points_balance == balance
    assert sum(PointsEntry.objects.filter(customer_id=customer_id).values_list("delta", flat=True)) == balance


def test_the_same_points_cannot_be_redeemed_twice_by_racing_checkouts():
    variant = make_product(price="100.00", stock=50, skus=["PTS-1"]).variants.get()
    customer = make_account("racer@example.com", points=1000)

    def buy(i):
        req = replace(checkout_request({"PTS-1": 1}, email=customer.email), customer_id=customer.pk, points=400)
        return place_order(req).order.number

    results = run_in_threads(BUYERS, buy)
    placed = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(placed), len(refused)) == (2, BUYERS - 2), results
    assert {e.code for e in refused} == {"points_insufficient"}
    assert Order.objects.count() == 2
    assert StockLevel.objects.get(variant=variant).reserved == 2
    assert_ledger_matches(customer.pk, 200)
    assert sorted(PointsEntry.objects.filter(kind="redeem").values_list("reference", flat=True)) == sorted(placed)


def test_the_same_points_cannot_be_redeemed_twice_through_the_api():
    make_product(price="100.00", stock=50, skus=["PTS-API"])
    customer = make_account("api-racer@example.com", points=900)
    tokens = [token_of(customer) for _ in range(BUYERS)]

    def buy(i):
        body = {
            "lines": [{"sku": "PTS-API", "quantity": 1}],
            "shipping_address": ADDRESS,
            "shipping_method": "standard",
            "payment_method": "bank_transfer",
            "points": 300,
        }
        response = Client().post(
            "/api/v1/checkout",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {tokens[i]}",
        )
        return response.status_code, response.json()

    results = run_in_threads(BUYERS, buy)
    assert sorted(status for status, _b in results) == [201] * 3 + [422] * (BUYERS - 3), results
    assert {b["code"] for status, b in results if status == 422} == {"points_insufficient"}
    assert_ledger_matches(customer.pk, 0)
