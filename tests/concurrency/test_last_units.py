"""Many buyers, the last units: real threads and real processes against the real database
(SQLite file in WAL mode, or PostgreSQL). Barriers, not sleeps, line them up."""

import json
import multiprocessing
import threading

import pytest
from django.db import connections
from django.test import Client

from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.inventory.models import Reservation, StockLevel
from dianpu.inventory.services import InsufficientStockError
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import ADDRESS, place_test_order

from .racing import run_in_threads

# serialized_rollback: the flush after each test would drop the rows migrations made (warehouse, shipping methods).
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
BUYERS = 12
UNITS = 3


def assert_stock_held_exactly(variant, units):
    level = StockLevel.objects.get(variant=variant)
    assert (level.on_hand, level.reserved) == (UNITS, units)
    assert sum(Reservation.objects.filter(state="active").values_list("quantity", flat=True)) == units


def test_last_units_cannot_be_sold_twice_by_threads():
    variant = make_product(stock=UNITS, skus=["LAST-1"]).variants.get()

    def buy(i):
        return place_test_order({"LAST-1": 1}, email=f"buyer{i}@example.com").number

    results = run_in_threads(BUYERS, buy)
    sold = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, InsufficientStockError)]
    assert (len(sold), len(refused)) == (UNITS, BUYERS - UNITS), results
    assert Order.objects.count() == UNITS
    assert_stock_held_exactly(variant, UNITS)


def test_buyers_who_all_read_the_same_stock_cannot_all_reserve_it(monkeypatch):
    """Every buyer plans from the stock as it was before anyone reserved (3 available), as when all
    read before any writes. SQLite queues whole reservations (IMMEDIATE transactions), so there the
    stale first read is what puts the conditional UPDATE's guard to the test; on PostgreSQL the
    threads also really interleave."""
    from dianpu.inventory import services

    variant = make_product(stock=UNITS, skus=["LAST-READ"]).variants.get()
    read = services._snapshot
    before_anyone = read([variant.id])
    first_read = threading.local()

    def first_read_is_from_before_anyone(variant_ids):
        if not getattr(first_read, "done", False):
            first_read.done = True
            return before_anyone
        return read(variant_ids)

    monkeypatch.setattr(services, "_snapshot", first_read_is_from_before_anyone)

    def reserve(i):
        return services.reserve_stock(reference=f"R{i}", wanted={variant.id: 1})

    results = run_in_threads(BUYERS, reserve)
    refused = [r for r in results if isinstance(r, InsufficientStockError)]
    held = [r for r in results if isinstance(r, list)]
    assert (len(held), len(refused)) == (UNITS, BUYERS - UNITS), results
    assert_stock_held_exactly(variant, UNITS)


def test_last_units_cannot_be_sold_twice_through_the_api():
    variant = make_product(stock=UNITS, skus=["LAST-API"]).variants.get()

    def buy(i):
        body = {
            "email": f"api{i}@example.com",
            "lines": [{"sku": "LAST-API", "quantity": 1}],
            "shipping_address": ADDRESS,
            "shipping_method": "standard",
            "payment_method": "bank_transfer",
        }
        response = Client().post("/api/v1/checkout", json.dumps(body), content_type="application/json")
        return response.status_code, response.json()

    results = run_in_threads(BUYERS, buy)
    codes = sorted(status for status, _body in results)
    assert codes == [201] * UNITS + [409] * (BUYERS - UNITS), results
    assert {body["code"] for status, body in results if status == 409} == {"out_of_stock"}
    assert {body["sku"] for status, body in results if status == 409} == {"LAST-API"}
    assert_stock_held_exactly(variant, UNITS)


def _buy_in_process(i, barrier, queue):
    connections.close_all()  # never share the parent's connection across fork
    try:
        barrier.wait(timeout=60)
        queue.put(("sold", place_test_order({"LAST-P": 2}, email=f"proc{i}@example.com").number))
    except InsufficientStockError:
        queue.put(("refused", i))
    except Exception as exc:
        queue.put(("error", repr(exc)))
    finally:
        connections.close_all()


def test_last_units_cannot_be_sold_twice_by_processes():
    variant = make_product(stock=UNITS * 2, skus=["LAST-P"]).variants.get()  # room for 3 orders of 2
    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    barrier, queue = ctx.Barrier(8), ctx.Queue()
    procs = [ctx.Process(target=_buy_in_process, args=(i, barrier, queue)) for i in range(8)]
    for p in procs:
        p.start()
    outcomes = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["refused"] * 5 + ["sold"] * 3, outcomes
    level = StockLevel.objects.get(variant=variant)
    assert (level.on_hand, level.reserved) == (UNITS * 2, UNITS * 2)


def test_two_staff_racing_on_one_order_cannot_both_win():
    make_product(stock=5, skus=["RACE-1"])
    number = place_test_order({"RACE-1": 2}).number

    # Each staff member acts on the order as their page showed it: pending payment. (Reading it
    # inside the thread would let a late reader see "paid" and cancel it, a legitimate change.)
    seen = [Order.objects.get(number=number) for _ in range(6)]

    def act(i):
        action = "mark_paid" if i % 2 == 0 else "cancel"
        try:
            transition_order(order=seen[i], action=action)
            return action
        except DomainError as exc:
            return exc.code

    results = run_in_threads(6, act)
    winners = [r for r in results if r in {"mark_paid", "cancel"}]
    assert len(winners) == 1, results
    order = Order.objects.get(number=number)
    assert order.history.count() == 2
    expected = "paid" if winners[0] == "mark_paid" else "cancelled"
    assert order.status == expected
    reserved = StockLevel.objects.get(variant__sku="RACE-1").reserved
    assert reserved == (2 if expected == "paid" else 0)
