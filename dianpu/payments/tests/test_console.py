from decimal import Decimal

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order
from dianpu.payments.models import Payment, Refund

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order():
    make_product(price="59.00", stock=5, skus=["TEE-M"])
    order = place_test_order({"TEE-M": 2})
    return transition_order(order=order, action="mark_paid", reason="到账")


def test_finance_refunds_from_the_order_page(client, staff, paid_order):
    client.force_login(staff("finance"))
    page = client.get(f"/console/orders/{paid_order.number}/")
    assert 'id="refund-form"' in page.content.decode()
    response = client.post(
        f"/console/payments/orders/{paid_order.number}/refunds/",
        {"amount": "18.00", "reason": "差价", "shipping_amount": "0"},
        follow=True,
    )
    assert response.status_code == 200
    refund = Refund.objects.get()
    assert (refund.amount, refund.manual, refund.status) == (Decimal("18.00"), True, "succeeded")
    page = response.content.decode()
    assert "¥18.00" in page
    assert Payment.objects.get().refunded_total == Decimal("18.00")


def test_too_large_refund_in_the_console_says_why_and_moves_nothing(client, staff, paid_order):
    client.force_login(staff("finance"))
    response = client.post(
        f"/console/payments/orders/{paid_order.number}/refunds/", {"amount": "999.00", "reason": "x"}, follow=True
    )
    assert "超过可退金额" in response.content.decode()
    assert Refund.objects.count() == 0


def test_agent_cannot_refund_and_sees_no_form(client, staff, paid_order):
    client.force_login(staff("agent"))
    assert 'id="refund-form"' not in client.get(f"/console/orders/{paid_order.number}/").content.decode()
    response = client.post(f"/console/payments/orders/{paid_order.number}/refunds/", {"amount": "1.00", "reason": "x"})
    assert response.status_code == 403
    assert Refund.objects.count() == 0
