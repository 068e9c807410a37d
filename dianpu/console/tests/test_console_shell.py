"""The console shell: sign-in, home dashboard, navigation by role, language."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dianpu.accounts.tests.builders import PASSWORD
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_the_console_sign_in(client):
    for url in ["/console/", "/console/catalog/products/", "/console/orders/", "/console/audit/", "/console/staff/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/console/login/?next=")


def test_staff_signs_in_and_lands_on_home(client, staff):
    staff("operator")
    response = client.post("/console/login/", {"username": "operator", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_non_staff_cannot_sign_in(client):
    get_user_model().objects.create_user("shopper", password="shopper-pass-123")
    response = client.post("/console/login/", {"username": "shopper", "password": "shopper-pass-123"})
    assert response.status_code == 200
    assert "该账号不是员工账号，不能登录运营后台。" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/console/").status_code == 302


def test_non_staff_signed_in_elsewhere_is_sent_to_sign_in(client):
    user = get_user_model().objects.create_user("shopper", password="shopper-pass-123")
    client.force_login(user)
    assert client.get("/console/").status_code == 302


def test_sign_out_is_a_post(client, staff):
    client.force_login(staff("operator"))
    response = client.post("/console/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/console/login/"
    assert client.get("/console/").status_code == 302


def test_home_shows_todays_orders_and_sales_after_an_order(client, staff):
    make_product(skus=["TEE-M"], price="59.00", stock=10)
    order = place_test_order({"TEE-M": 2})
    client.force_login(staff("owner"))
    response = client.get("/console/")
    assert response.status_code == 200
    assert response.context["summary"]["today"]["orders"] == 1
    assert response.context["summary"]["today"]["sales"] == order.grand_total
    html = response.content.decode()
    assert '<div class="card-value" id="today-orders">1</div>' in html
    assert f'<div class="card-value" id="today-sales">¥{order.grand_total:,.2f}</div>' in html
    assert '<div class="card-value" id="awaiting-payment">1</div>' in html
    assert 'id="sales-data"' in html
    assert "/static/console/charts.js" in html
    assert "/static/vendor/echarts.min.js" in html
    chart = response.context["chart_data"]
    assert len(chart["dates"]) == 30
    assert Decimal(chart["sales"][-1]) == order.grand_total
    assert chart["orders"][-1] == 1


def test_sales_figures_only_for_roles_that_may_see_them(client, staff):
    client.force_login(staff("warehouse"))
    html = client.get("/console/").content.decode()
    assert 'id="today-sales"' not in html
    assert 'id="sales-data"' not in html
    assert 'id="to-ship"' in html


def test_home_lists_low_stock(client, staff):
    make_product(name="快售罄", skus=["LOW-1"], stock=1)
    make_product(name="充足", skus=["PLENTY-1"], stock=50)
    place_test_order({"LOW-1": 1})
    client.force_login(staff("operator"))
    html = client.get("/console/").content.decode()
    assert "LOW-1" in html
    assert "PLENTY-1" not in html


def test_pages_have_no_inline_script(client, staff):
    make_product(skus=["TEE-M"], price="59.00", stock=10)
    place_test_order({"TEE-M": 1})
    client.force_login(staff("owner"))
    response = client.get("/console/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        ("owner", ["商品", "订单", "库存", "审计日志", "员工与角色"], []),
        ("warehouse", ["商品", "订单", "库存"], ["审计日志", "员工与角色"]),
        ("finance", ["商品", "订单", "审计日志"], ["员工与角色"]),
        ("designer", ["商品"], ["订单", "审计日志", "员工与角色"]),
    ],
)
def test_navigation_shows_only_sections_the_role_may_open(client, staff, role, visible, hidden):
    client.force_login(staff(role))
    response = client.get("/console/")
    labels = [str(s["label"]) for s in response.context["sections"]]
    for label in visible:
        assert label in labels
    for label in hidden:
        assert label not in labels


def test_a_page_the_role_may_not_open_is_403(client, staff):
    client.force_login(staff("warehouse"))
    response = client.get("/console/staff/")
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()
    assert "店主 / 运营主管" in response.content.decode()


def test_english_console_shows_english_labels(client, staff):
    client.force_login(staff("owner"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/console/"})
    assert response.status_code == 302
    html = client.get("/console/").content.decode()
    assert "Orders today" in html
    assert "Products" in html
    assert "Audit log" in html
    assert "Sign out" in html
    assert "今日订单" not in html
    html = client.get("/console/orders/").content.decode()
    assert "Order number" in html


def test_url_names(db):
    assert reverse("console:login") == "/console/login/"
    assert reverse("console:home") == "/console/"
    assert reverse("console:catalog:product-list") == "/console/catalog/products/"
    assert reverse("console:orders:order-detail", args=["DP1"]) == "/console/orders/DP1/"
    assert reverse("console:audit:entry-list") == "/console/audit/"
    assert reverse("console:accounts:staff-list") == "/console/staff/"
    assert reverse("console:inventory:move-list", args=["SKU-1"]) == "/console/inventory/sku/SKU-1/moves/"
