"""Banners and featured slots on a schedule; bestsellers and frequently bought together from orders."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dianpu.accounts.tests.builders import PASSWORD, make_staff
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.core.errors import ValidationFailed
from dianpu.marketing.merchandising import (
    create_banner,
    create_featured_slot,
    list_bestsellers,
    list_bought_together,
    list_featured_products,
)
from dianpu.marketing.models import Banner
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


def test_banners_and_slots_show_only_inside_their_schedule():
    now = clock.now()
    tea = make_product(name="龙井", skus=["T-1"])
    later = make_product(name="月饼", skus=["M-1"])
    create_banner(
        title="双十一预热", link_url="/c/tea/", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=1)
    )
    create_banner(title="明年见", starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=31))
    create_featured_slot(product_slug=tea.slug, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    create_featured_slot(product_slug=later.slug, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2))
    assert [p.name for p in list_featured_products()] == ["龙井"]
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get("/").content.decode()
    assert "双十一预热" in page and "明年见" not in page and "店长推荐" in page


def test_banner_with_a_foreign_link_or_reversed_dates_is_refused():
    now = clock.now()
    with pytest.raises(ValidationFailed) as refused:
        create_banner(title="x", link_url="javascript:alert(1)", starts_at=now, ends_at=now - timedelta(hours=1))
    assert set(refused.value.errors) == {"link_url", "ends_at"}
    assert not Banner.objects.exists()


def test_bestsellers_and_bought_together_come_from_orders():
    tea = make_product(name="龙井", skus=["T-2"], stock=50)
    make_product(name="茶杯", skus=["C-2"], stock=50)
    make_product(name="茶壶", skus=["P-2"], stock=50)
    place_test_order({"T-2": 1, "C-2": 1})
    place_test_order({"T-2": 2, "C-2": 1}, email="b@example.com")
    place_test_order({"T-2": 1, "P-2": 1}, email="c@example.com")
    assert [p.name for p in list_bestsellers()] == ["龙井", "茶杯", "茶壶"]
    assert [p.name for p in list_bought_together(tea)] == ["茶杯", "茶壶"]
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/products/{tea.slug}/").content.decode()
    assert "经常一起购买" in page and "茶杯" in page


def test_console_merchandising_page():
    user = make_staff("marketing", "mk2")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.login(username=user.username, password=PASSWORD)
    now = clock.now()
    fmt = "%Y-%m-%dT%H:%M"
    response = client.post(
        "/console/marketing/merchandising/",
        {
            "action": "banner",
            "title": "年货节",
            "link_url": "/",
            "starts_at": timezone.localtime(now).strftime(fmt),
            "ends_at": timezone.localtime(now + timedelta(days=2)).strftime(fmt),
        },
    )
    assert response.status_code == 302
    assert "年货节" in client.get("/console/marketing/merchandising/").content.decode()
    warehouse = make_staff("warehouse", "wh")
    other = Client()
    other.login(username=warehouse.username, password=PASSWORD)
    assert other.get("/console/marketing/merchandising/").status_code == 403
