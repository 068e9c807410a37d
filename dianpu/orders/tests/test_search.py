"""The order search answers from indexes (no scan of the order table) and finds what it found
before for what staff type: an order number in any case, an e-mail in any case, the consignee's
phone or name, a tracking number, a platform order number; and now also the start of an order
number and a phone typed with spaces or +86."""

import pytest
from django.db import connection
from django.db.models import Q

from dianpu.catalog.tests.builders import make_product
from dianpu.orders.models import Order
from dianpu.orders.queries import list_orders
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import ADDRESS, place_test_order

pytestmark = pytest.mark.django_db


def previous_search(s: str) -> list[str]:
    """The search as it was: a case-insensitive OR over six columns (a full scan)."""
    s = s.strip()
    return list(
        Order.objects.filter(
            Q(number__iexact=s)
            | Q(email__iexact=s)
            | Q(ship_phone=s)
            | Q(ship_name=s)
            | Q(tracking_number__iexact=s)
            | Q(channel_order_number=s)
        )
        .order_by("-placed_at", "-id")
        .values_list("number", flat=True)
    )


def found(s: str) -> list[str]:
    return list(list_orders(search=s).values_list("number", flat=True))


@pytest.fixture
def orders(staff):
    make_product(skus=["TEE-M"], price="59.00", stock=50)
    li = place_test_order({"TEE-M": 1}, email="Li.Lei@Example.com")
    wang = place_test_order(
        {"TEE-M": 2}, email="wang@example.com", address={**ADDRESS, "name": "王芳", "phone": "13912345678"}
    )
    transition_order(order=wang, action="mark_paid")
    transition_order(
        order=wang, action="ship", actor=staff("warehouse"), carrier="sf", tracking_number="SF1234567890123"
    )
    Order.objects.filter(pk=li.pk).update(channel="shopify", channel_order_number="#1001")
    return {"li": li.number, "wang": wang.number}


def test_what_staff_type_finds_what_it_found_before(orders):
    typed = [
        orders["li"],
        orders["li"].lower(),
        f"  {orders['wang']} ",
        "li.lei@example.com",
        "LI.LEI@EXAMPLE.COM",
        "wang@example.com",
        "13912345678",
        "13800138000",
        "王芳",
        "张三",
        "SF1234567890123",
        "sf1234567890123",
        "#1001",
        "nobody@example.com",
        "王",
        "1391234",
    ]
    for s in typed:
        assert found(s) == previous_search(s), s
    assert found("li.lei@example.com") == [orders["li"]]
    assert found("sf1234567890123") == [orders["wang"]]


def test_the_start_of_a_number_and_a_phone_with_spaces_also_find(orders):
    assert sorted(found(orders["li"][:10].lower())) == sorted(
        n for n in orders.values() if n.startswith(orders["li"][:10])
    )
    assert found("139 1234 5678") == [orders["wang"]]
    assert found("+86 139-1234-5678") == [orders["wang"]]
    assert found("DP") == []  # too short to be a number's start: no listing of every order


def test_the_search_reads_indexes_not_the_whole_order_table(orders):
    if connection.vendor != "sqlite":
        pytest.skip("the plan is read from SQLite's EXPLAIN QUERY PLAN; PostgreSQL plans a tiny table as a scan")
    for s in (orders["li"], "li.lei@example.com", "13912345678", "王芳", "sf1234567890123", "#1001", orders["li"][:10]):
        sql, params = list_orders(search=s).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = [row[-1] for row in cursor.fetchall()]
        scans = [step for step in plan if step.startswith("SCAN") and "orders_order" in step]
        assert not scans, (s, plan)
