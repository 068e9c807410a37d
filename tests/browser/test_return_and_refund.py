"""Return and refund: the buyer of a delivered order asks to return one line from the
order-status page; an agent approves it in the console, the warehouse receives and restocks it,
finance refunds; the buyer's page then shows the refund."""

from decimal import Decimal

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.catalog.tests.builders import make_product
from dianpu.inventory.models import StockLevel, StockMove
from dianpu.payments.models import Payment, Refund
from dianpu.returns.models import ReturnRequest
from dianpu.returns.tests.builders import delivered_order

from .conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BUYER = "li.lei@example.com"


def _as_staff(page, base, role: str, ret_number: str) -> None:
    page.context.clear_cookies()
    console_login(page, base, role, then=f"/console/returns/{ret_number}/")


def test_buyer_returns_one_line_and_is_refunded(page, live_server):
    base = live_server.url
    make_product(name="亚麻衬衫", price="129.00", stock=5, skus=["SHIRT-M"])
    make_product(name="真丝围巾", price="199.00", stock=5, skus=["SCARF-1"])
    order = delivered_order({"SHIRT-M": 2, "SCARF-1": 1}, email=BUYER)
    shirt = order.lines.get(sku="SHIRT-M")
    for role in ("agent", "warehouse", "finance"):
        make_staff(role)
    on_hand_before = StockLevel.objects.get(variant__sku="SHIRT-M").on_hand

    # The buyer finds the order and asks to return one shirt, saying why.
    page.goto(f"{base}/orders/status/")
    page.fill("input[name=number]", order.number)
    page.fill("input[name=email]", BUYER)
    page.click("main form button[type=submit]")
    form = page.locator("#return-form")
    form.locator("select[name=kind]").select_option("return")
    form.locator("select[name=reason]").select_option("size_fit")
    form.locator("textarea[name=reason_detail]").fill("尺码偏小")
    form.locator(f"input[name=qty-{shirt.pk}]").fill("1")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".return-request")
    ret = ReturnRequest.objects.get(order=order)
    assert f"售后申请 {ret.number} 已提交" in page.inner_text("body")
    assert "待审核" in page.inner_text(".return-request")
    assert (ret.status, ret.reason, ret.reason_detail) == ("requested", "size_fit", "尺码偏小")
    assert [(r.order_line_id, r.quantity) for r in ret.lines.all()] == [(shirt.pk, 1)]

    # An agent approves it in the console.
    _as_staff(page, base, "agent", ret.number)
    assert "尺码不合适" in page.inner_text("main")
    page.click("form[data-action=approve] button[type=submit]")
    page.wait_for_selector("form[data-action=approve]", state="detached")
    assert "已同意" in page.inner_text("main")
    ret.refresh_from_db()
    assert ret.status == "approved"

    # The warehouse receives it and puts the shirt back on the shelf.
    _as_staff(page, base, "warehouse", ret.number)
    receive = page.locator("form[data-action=receive]")
    assert receive.locator("input[name^=restock-]").input_value() == "1"
    receive.locator("button[type=submit]").click()
    page.wait_for_selector("form[data-action=receive]", state="detached")
    assert "已收货验货" in page.inner_text("main")
    ret.refresh_from_db()
    assert ret.status == "received"

    # Finance refunds what the shirt cost.
    _as_staff(page, base, "finance", ret.number)
    page.click("form[data-action=refund] button[type=submit]")
    page.wait_for_selector("form[data-action=refund]", state="detached")
    assert "已退款" in page.inner_text("main")
    ret.refresh_from_db()
    assert ret.status == "refunded"

    # The buyer's page shows the refund.
    page.context.clear_cookies()
    page.goto(f"{base}/orders/status/?number={order.number}&email={BUYER}")
    assert "已退款" in page.inner_text(f".return-request:has-text('{ret.number}')")

    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.shipping_amount, refund.status) == (Decimal("129.00"), Decimal("0.00"), "succeeded")
    payment = Payment.objects.get(order=order)
    assert payment.refunded_total == Decimal("129.00")
    move = StockMove.objects.get(variant__sku="SHIRT-M", kind="return")
    assert move.on_hand_delta == 1
    assert StockLevel.objects.get(variant__sku="SHIRT-M").on_hand == on_hand_before + 1
    assert not StockMove.objects.filter(variant__sku="SCARF-1", kind="return").exists()
