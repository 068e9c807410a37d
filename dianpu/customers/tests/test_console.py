"""Console: the customer list and search, the 360° page (contact masked by role), points, notes,
merge, export and erase with their permissions."""

import json
from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.customers.models import Customer
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

from .builders import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    make_product(price="100.00", stock=20, skus=["TEA-1"])
    order = place_test_order({"TEA-1": 2}, email="li@example.com")
    transition_order(order=order, action="mark_paid")
    Customer.objects.filter(email="li@example.com").update(name="李雷", phone="+8613900139000")
    return order


def as_role(client, staff, role):
    client.force_login(staff(role))
    return client


def test_search_by_order_number_finds_the_customer(client, staff, shop):
    make_account("mei@example.com")
    page = as_role(client, staff, "marketing").get("/console/customers/", {"q": shop.number}).content.decode()
    assert "李雷" in page and "mei@example.com" not in page
    assert "+86139****9000" in page  # marketing sees a masked number


def test_the_360_page_shows_figures_and_the_phone_only_to_roles_that_need_it(client, staff, shop):
    customer = Customer.objects.get(email="li@example.com")
    page = as_role(client, staff, "agent").get(f"/console/customers/{customer.pk}/").content.decode()
    assert "+8613900139000" in page and "¥200.00" in page and shop.number in page
    client.logout()
    page = as_role(client, staff, "operator").get(f"/console/customers/{customer.pk}/").content.decode()
    assert "+8613900139000" not in page and "+86139****9000" in page
    assert as_role(client, staff, "warehouse").get(f"/console/customers/{customer.pk}/").status_code == 403


def test_merge_moves_orders_and_points_to_the_record_kept(client, staff, shop):
    kept = make_account("li.lei@example.com", points=100)
    other = Customer.objects.get(email="li@example.com")
    other_points = other.points_balance  # 200 earned by the paid order
    r = as_role(client, staff, "owner").post(f"/console/customers/{kept.pk}/", {"action": "merge", "other": other.pk})
    assert r.status_code == 302
    kept.refresh_from_db()
    assert Order.objects.get().customer_id == kept.pk
    assert (kept.points_balance, kept.name, kept.phone) == (100 + other_points, "王美", "+8613900139000")
    assert Customer.objects.get(pk=other.pk).merged_into_id == kept.pk


def test_erase_and_export_are_for_the_owner(client, staff, shop):
    customer = Customer.objects.get(email="li@example.com")
    r = as_role(client, staff, "agent").post(f"/console/customers/{customer.pk}/", {"action": "erase"})
    assert r.status_code == 403 and Customer.objects.get(pk=customer.pk).name == "李雷"
    assert client.get(f"/console/customers/{customer.pk}/export.json").status_code == 403
    client.logout()
    owner = as_role(client, staff, "owner")
    data = json.loads(owner.get(f"/console/customers/{customer.pk}/export.json").content)
    assert data["orders"][0]["total"] == "200.00"
    owner.post(f"/console/customers/{customer.pk}/", {"action": "erase"})
    assert Customer.objects.get(pk=customer.pk).name == ""
    assert Order.objects.get().grand_total == Decimal("200.00") and Order.objects.get().ship_name == ""


def test_points_adjusted_in_the_console_refuse_a_negative_balance(client, staff):
    customer = make_account(points=50)
    owner = as_role(client, staff, "owner")
    owner.post(f"/console/customers/{customer.pk}/", {"action": "points", "delta": "-80", "reason": "更正"})
    assert Customer.objects.get().points_balance == 50
    owner.post(f"/console/customers/{customer.pk}/", {"action": "points", "delta": "-30", "reason": "更正"})
    assert Customer.objects.get().points_balance == 20


def test_segments_page_lists_counts(client, staff):
    assert "high_value" in as_role(client, staff, "marketing").get("/console/customers/segments/").content.decode()
