"""The whole path in a real browser: a guest buys on the storefront, the owner takes payment
and ships it in the console.

Drives Debian's Chromium through Playwright against a live server on the test database
(`scripts/browser_deps.sh` installs it; the test skips, saying why, where it cannot run).
"""

import sys
from pathlib import Path

import pytest

from dianpu.accounts.tests.builders import PASSWORD, make_staff
from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.inventory.models import StockLevel, StockMove
from dianpu.orders.models import Order

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import browser  # noqa: E402  (scripts/browser.py: launches Debian's Chromium)

# A live server needs committed rows; serialized_rollback restores what migrations made
# (roles, warehouse, shipping methods) around the flush, as the concurrency tests do.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
if browser.chromium_path() is None:
    pytest.skip(
        "no Chromium at /usr/bin/chromium: run `make browser-deps` (apt-get install chromium)", allow_module_level=True
    )


def test_guest_buys_and_the_owner_ships_it(page, live_server):
    apparel = make_category(name="服装", name_en="Apparel", slug="apparel")
    product = make_product(
        name="亚麻衬衫", name_en="Linen Shirt", price="129.00", stock=5, skus=["SHIRT-S", "SHIRT-M"], category=apparel
    )
    make_staff("owner")
    base = live_server.url

    # The customer finds the shirt by a Chinese word and opens it.
    page.goto(f"{base}/search/?q=亚麻")
    page.click(f"a[href='/products/{product.slug}/']")
    page.wait_for_url(f"**/products/{product.slug}/")
    page.check("input[name=sku][value=SHIRT-M]")
    page.fill("input[name=quantity]", "2")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_selector("#cart-feedback :is(a, p, div)")

    page.goto(f"{base}/cart/")
    assert "亚麻衬衫" in page.inner_text("main")
    page.click("a[href='/checkout/']")
    page.wait_for_url("**/checkout/")

    # A missing address is refused with the field named; nothing is ordered.
    page.fill("#id_email", "li.lei@example.com")
    page.click("form.checkout button[type=submit]")
    page.wait_for_selector(".field.has-error")
    assert Order.objects.count() == 0

    page.fill("#id_name", "李雷")
    page.fill("#id_phone", "13800138000")
    page.fill("#id_country", "CN")
    page.fill("#id_province", "浙江省")
    page.fill("#id_city", "杭州市")
    page.fill("#id_line1", "西湖区文三路 100 号")
    page.fill("#id_postcode", "310000")
    page.check("input[name=shipping_method][value=express]")
    page.check("input[name=payment_method][value=bank_transfer]")
    page.click("form.checkout button[type=submit]")
    page.wait_for_url("**/thanks/")
    number = page.inner_text(".order-number").strip()

    order = Order.objects.get(number=number)
    assert order.status == "pending_payment"
    assert str(order.grand_total) == "276.00"  # 2 × 129 + express 18
    level = StockLevel.objects.get(variant__sku="SHIRT-M")
    assert (level.on_hand, level.reserved) == (5, 2)

    # The owner signs in, takes the bank transfer and ships it with SF Express.
    page.goto(f"{base}/console/orders/{number}/")
    page.wait_for_url("**/console/login/**")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**/console/orders/{number}/")

    page.fill("#paid-reference", "BANK-20261123-001")
    page.click("form[data-action=mark_paid] button[type=submit]")
    page.wait_for_selector("form[data-action=ship]")
    order.refresh_from_db()
    assert order.status == "paid"

    page.select_option("#ship-carrier", "sf")
    page.fill("#ship-tracking", "SF1234567890123")
    page.click("form[data-action=ship] button[type=submit]")
    page.wait_for_selector("form[data-action=mark_delivered]")
    assert "SF1234567890123" in page.inner_text("main")

    order.refresh_from_db()
    assert order.status == "shipped"
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (3, 0)
    moves = StockMove.objects.filter(variant__sku="SHIRT-M")
    assert sum(m.on_hand_delta for m in moves) == 3 and sum(m.reserved_delta for m in moves) == 0
    history = [row.to_status for row in order.history.order_by("created_at", "pk")]
    assert history[-2:] == ["paid", "shipped"]

    # The customer looks the order up by number and e-mail and sees it is on its way.
    page.context.clear_cookies()
    page.goto(f"{base}/orders/status/")
    page.fill("input[name=number]", number)
    page.fill("input[name=email]", "li.lei@example.com")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=SF1234567890123")
