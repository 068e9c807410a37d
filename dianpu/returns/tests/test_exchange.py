"""An exchange, once its goods are back, creates the replacement order: same address, the new
option, the price difference to pay (or nothing), stock held through inventory."""

from decimal import Decimal

import pytest

from dianpu.catalog.models import Variant
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.inventory.models import Reservation, StockLevel
from dianpu.orders.models import Order
from dianpu.payments.models import Payment
from dianpu.returns.models import ReturnRequest
from dianpu.returns.services import (
    approve_return,
    create_exchange_order,
    receive_return,
    request_return,
)

from .builders import delivered_order

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def tee():
    make_product(name="纯棉T恤", price="50.00", stock=10, skus=["TEE-S", "TEE-M", "TEE-L"])
    return delivered_order({"TEE-S": 1})


def received_exchange(order):
    line = order.lines.get()
    request = request_return(order=order, kind="exchange", reason="size_fit", lines={line.pk: 1})
    approve_return(request=request)
    receive_return(request=request, inspections={request.lines.get().pk: (1, 0, "")})
    return ReturnRequest.objects.get(pk=request.pk)


def held(number):
    return {
        r.stock_level.variant.sku: r.quantity
        for r in Reservation.objects.filter(reference=number, state="active").select_related("stock_level__variant")
    }


def test_same_price_exchange_is_a_paid_order_for_nothing_to_the_same_address(tee, staff):
    request = received_exchange(tee)
    new = create_exchange_order(request=request, replacements={request.lines.get().pk: "TEE-M"}, actor=staff("agent"))
    assert (new.subtotal, new.discount_total, new.shipping_total, new.grand_total) == (
        D("50.00"),
        D("50.00"),
        D("0.00"),
        D("0.00"),
    )
    assert new.status == "paid" and not Payment.objects.filter(order=new).exists()  # nothing was paid
    assert [(ln.sku, ln.quantity, ln.variant_label) for ln in new.lines.all()] == [
        ("TEE-M", 1, Variant.objects.get(sku="TEE-M").option_label)
    ]
    assert (new.email, new.ship_line1, new.shipping_method) == (tee.email, tee.ship_line1, tee.shipping_method)
    assert held(new.number) == {"TEE-M": 1}
    assert ReturnRequest.objects.get(pk=request.pk).replacement_order == new


def test_a_dearer_option_leaves_the_difference_to_pay(tee):
    Variant.objects.filter(sku="TEE-L").update(price=D("65.00"))
    request = received_exchange(tee)
    new = create_exchange_order(request=request, replacements={request.lines.get().pk: "TEE-L"})
    assert (new.subtotal, new.discount_total, new.grand_total, new.status) == (
        D("65.00"),
        D("50.00"),
        D("15.00"),
        "pending_payment",
    )


def test_refused_before_the_goods_are_back_twice_or_for_another_product(tee):
    make_product(name="帽子", price="50.00", stock=5, skus=["CAP"])
    line = tee.lines.get()
    request = request_return(order=tee, kind="exchange", reason="size_fit", lines={line.pk: 1})
    approve_return(request=request)
    orders_before = Order.objects.count()
    with pytest.raises(DomainError) as exc:
        create_exchange_order(request=request)
    assert (exc.value.code, exc.value.status) == ("exchange_not_received", 409)
    receive_return(request=request, inspections={request.lines.get().pk: (1, 0, "")})
    with pytest.raises(DomainError) as exc:
        create_exchange_order(request=request, replacements={request.lines.get().pk: "CAP"})
    assert exc.value.code == "exchange_other_product"
    assert Order.objects.count() == orders_before and StockLevel.objects.get(variant__sku="CAP").reserved == 0
    create_exchange_order(request=request)
    with pytest.raises(DomainError) as exc:
        create_exchange_order(request=request)
    assert (exc.value.code, exc.value.status) == ("exchange_already_created", 409)
    assert Order.objects.count() == orders_before + 1


def test_out_of_stock_replacement_writes_nothing(tee):
    StockLevel.objects.filter(variant__sku="TEE-M").update(on_hand=0)
    request = received_exchange(tee)
    orders_before = Order.objects.count()
    with pytest.raises(DomainError) as exc:
        create_exchange_order(request=request, replacements={request.lines.get().pk: "TEE-M"})
    assert exc.value.status == 409
    assert Order.objects.count() == orders_before
    assert ReturnRequest.objects.get(pk=request.pk).replacement_order is None


def test_api_action_creates_it_and_the_request_shows_it(staff_api, tee):
    request = received_exchange(tee)
    agent = staff_api("agent")
    assert "exchange_order" in agent.get(f"returns/{request.number}").json()["allowed_actions"]
    response = agent.post(
        f"returns/{request.number}/exchange-order", {"lines": [{"sku": "TEE-S", "replacement_sku": "TEE-M"}]}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    new = Order.objects.get(number=body["replacement_order_number"])
    assert [ln.sku for ln in new.lines.all()] == ["TEE-M"] and "exchange_order" not in body["allowed_actions"]
    again = agent.post(f"returns/{request.number}/exchange-order", {})
    assert (again.status_code, again.json()["code"]) == (409, "exchange_already_created")
    assert staff_api("warehouse").post(f"returns/{request.number}/exchange-order", {}).status_code == 403


def test_console_button_creates_the_replacement_order_and_links_it(client, staff, tee):
    request = received_exchange(tee)
    client.force_login(staff("agent"))
    page = client.get(f"/console/returns/{request.number}/").content.decode()
    assert 'data-action="exchange_order"' in page and "生成换货订单" in page and "TEE-M" in page
    line = request.lines.get()
    response = client.post(f"/console/returns/{request.number}/exchange_order/", {f"replacement-{line.pk}": "TEE-L"})
    assert response.status_code == 302
    new = ReturnRequest.objects.get(pk=request.pk).replacement_order
    assert [ln.sku for ln in new.lines.all()] == ["TEE-L"]
    page = client.get(f"/console/returns/{request.number}/").content.decode()
    assert new.number in page and 'data-action="exchange_order"' not in page
    again = client.post(f"/console/returns/{request.number}/exchange_order/", {f"replacement-{line.pk}": "TEE-L"})
    assert again.status_code == 409 and new.number in again.content.decode()
    assert Order.objects.count() == 2
