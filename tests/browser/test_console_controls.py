"""The three console controls the Content Security Policy used to refuse, used in a real browser:
select-all on the pick page, the confirmation before cancelling a held order in the review queue
and the confirmation before a refund. Their behaviour now lives in console.js."""

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.models import Order
from dianpu.orders.services import hold_order
from dianpu.payments.models import Refund
from dianpu.returns.tests.builders import paid_order
from tests.browser.conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_select_all_ticks_every_order_on_the_pick_page(page, live_server):
    make_product(skus=["TEE-M"], stock=10)
    numbers = {paid_order({"TEE-M": 1}).number for _ in range(3)}
    make_staff("warehouse")
    console_login(page, live_server.url, "warehouse", then="/console/fulfillment/pick/")
    boxes = page.locator("#to-ship input[name=numbers]")
    assert boxes.count() == 3
    page.check("#to-ship input[data-select-all]")
    assert {box.get_attribute("value") for box in boxes.all() if box.is_checked()} == numbers
    page.uncheck("#to-ship input[data-select-all]")
    assert [box for box in boxes.all() if box.is_checked()] == []


def test_cancelling_a_held_order_asks_first_and_no_keeps_it(page, live_server):
    make_product(skus=["TEE-M"], stock=10)
    order = hold_order(order=paid_order({"TEE-M": 1}), reasons=[{"code": "high_value", "detail": ""}])
    make_staff("agent")
    console_login(page, live_server.url, "agent", then="/console/orders/review/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click(f"form[action$='/{order.number}/reject/'] button")
    page.wait_for_timeout(300)
    assert asked == ["确定要取消该订单吗？已占用的库存会被释放。"]
    assert Order.objects.get(pk=order.pk).status == "paid"

    page.once("dialog", lambda dialog: dialog.accept())
    page.click(f"form[action$='/{order.number}/reject/'] button")
    page.wait_for_load_state("load")
    page.wait_for_function("!document.querySelector(\"form[action$='/%s/reject/']\")" % order.number)
    assert Order.objects.get(pk=order.pk).status == "cancelled"


def test_a_refund_asks_first_and_no_refunds_nothing(page, live_server):
    make_product(skus=["TEE-M"], price="59.00", stock=10)
    order = paid_order({"TEE-M": 1})
    make_staff("owner")
    console_login(page, live_server.url, "owner", then=f"/console/orders/{order.number}/")
    page.fill("#refund-form input[name=amount]", "10.00")
    page.fill("#refund-form input[name=reason]", "少发赠品")
    page.check("#refund-form input[name=manual]")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#refund-form button[type=submit]")
    page.wait_for_timeout(300)
    assert asked == ["确定退款？款项将退回买家。"]
    assert Refund.objects.count() == 0

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#refund-form button[type=submit]")
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelector('#refunds table') !== null")
    assert [str(r.amount) for r in Refund.objects.all()] == ["10.00"]


def test_the_promotion_form_shows_only_the_fields_of_the_chosen_kind(page, live_server):
    make_staff("marketing")
    console_login(page, live_server.url, "marketing", then="/console/promotions/new/")

    def shown():
        names = [
            "percent",
            "amount",
            "price",
            "tiers",
            "repeat",
            "buy",
            "get",
            "discount_percent",
            "threshold",
            "skus",
            "stock_cap",
            "per_customer_limit",
        ]
        return [n for n in names if page.locator(f"[data-field={n}]").is_visible()]

    page.select_option("select[name=kind]", "percent_off")
    assert shown() == ["percent"]
    page.select_option("select[name=kind]", "spend_x_save_y")
    assert shown() == ["tiers", "repeat"]
    page.select_option("select[name=kind]", "flash_sale")
    assert shown() == ["price", "stock_cap", "per_customer_limit"]
    assert page.locator("[data-field=name]").is_visible()  # the common fields stay
