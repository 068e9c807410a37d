"""Console pages for promotions and coupons: who may open them, create, edit, end, batches + CSV."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dianpu.accounts.tests.builders import PASSWORD, make_staff
from dianpu.core import clock
from dianpu.promotions.models import Coupon, CouponBatch, Promotion

from .builders import make_promotion

pytestmark = pytest.mark.django_db


def signed_in(role):
    user = make_staff(role, f"{role}-console")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=user.username, password=PASSWORD)
    return client


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_warehouse_cannot_open_promotions():
    client = signed_in("warehouse")
    assert client.get("/console/promotions/").status_code == 403
    assert client.post("/console/promotions/new/", {"name": "x", "kind": "percent_off"}).status_code == 403
    assert not Promotion.objects.exists()


def test_marketing_creates_a_tiered_spend_and_save_promotion():
    client = signed_in("marketing")
    now = clock.now()
    response = client.post(
        "/console/promotions/new/",
        {
            "name": "双十一满减",
            "kind": "spend_x_save_y",
            "starts_at": local(now),
            "ends_at": local(now + timedelta(days=3)),
            "priority": "5",
            "scope_all": "on",
            "tiers": "200:20, 400:50",
        },
    )
    assert response.status_code == 302
    p = Promotion.objects.get()
    assert p.params == {
        "tiers": [{"threshold": "200", "amount": "20"}, {"threshold": "400", "amount": "50"}],
        "repeat": False,
    }
    page = client.get("/console/promotions/").content.decode()
    assert "双十一满减" in page and "进行中" in page


def test_bad_promotion_shows_field_errors_and_saves_nothing():
    client = signed_in("owner")
    now = clock.now()
    response = client.post(
        "/console/promotions/new/",
        {
            "name": "倒置",
            "kind": "percent_off",
            "starts_at": local(now),
            "ends_at": local(now - timedelta(days=1)),
            "scope_all": "on",
            "percent": "-5",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "结束时间必须晚于开始时间。" in page and "不能为负数。" in page
    assert not Promotion.objects.exists()


def test_edit_and_end_a_promotion():
    p = make_promotion("percent_off", name="九折", percent=10)
    client = signed_in("owner")
    form = client.get(f"/console/promotions/{p.pk}/").content.decode()
    assert 'value="九折"' in form
    response = client.post(
        f"/console/promotions/{p.pk}/",
        {
            "name": "八五折",
            "kind": "percent_off",
            "starts_at": local(p.starts_at),
            "ends_at": local(p.ends_at),
            "scope_all": "on",
            "percent": "15",
        },
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert (p.name, p.params) == ("八五折", {"percent": "15"})
    client.post(f"/console/promotions/{p.pk}/end/")
    p.refresh_from_db()
    assert p.is_active is False


def test_coupon_batch_and_csv_download():
    client = signed_in("marketing")
    now = clock.now()
    response = client.post(
        "/console/promotions/coupons/",
        {
            "action": "batch",
            "batch-name": "新客券",
            "batch-prefix": "NEW",
            "batch-quantity": "5",
            "batch-kind": "amount",
            "batch-amount": "10",
            "batch-starts_at": local(now),
            "batch-ends_at": local(now + timedelta(days=30)),
            "batch-scope_all": "on",
        },
    )
    assert response.status_code == 302
    batch = CouponBatch.objects.get()
    csv_text = client.get(f"/console/promotions/coupons/batches/{batch.pk}/codes.csv").content.decode("utf-8-sig")
    rows = csv_text.strip().splitlines()
    assert len(rows) == 6 and rows[0].startswith("code,kind,amount")
    assert sorted(r.split(",")[0] for r in rows[1:]) == sorted(Coupon.objects.values_list("code", flat=True))


def test_single_coupon_in_english():
    client = signed_in("owner")
    now = clock.now()
    response = client.post(
        "/console/promotions/coupons/",
        {
            "action": "coupon",
            "coupon-code": "WELCOME",
            "coupon-kind": "percent",
            "coupon-percent": "150",
            "coupon-starts_at": local(now),
            "coupon-ends_at": local(now + timedelta(days=3)),
            "coupon-scope_all": "on",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422 and "Too large." in response.content.decode()
    assert not Coupon.objects.exists()


def test_edit_a_coupon_and_withdraw_it():
    from .builders import make_coupon

    coupon = make_coupon("EDIT10", usage_limit=5)
    Coupon.objects.filter(pk=coupon.pk).update(used_count=3)
    client = signed_in("marketing")
    base = {
        "kind": "amount",
        "amount": "12",
        "starts_at": local(coupon.starts_at),
        "ends_at": local(coupon.ends_at),
        "scope_all": "on",
    }
    refused = client.post("/console/promotions/coupons/EDIT10/", {**base, "usage_limit": "2", "is_active": "on"})
    assert refused.status_code == 422 and "不能少于已使用的次数。" in refused.content.decode()
    assert client.post("/console/promotions/coupons/EDIT10/", {**base, "usage_limit": "8"}).status_code == 302
    coupon.refresh_from_db()
    assert (str(coupon.amount), coupon.usage_limit, coupon.is_active) == ("12.00", 8, False)


def test_promotions_and_coupons_export_what_the_pages_list():
    from dianpu.core.testing_exports import csv_rows, xlsx_rows

    client = signed_in("marketing")
    now = clock.now()
    client.post(
        "/console/promotions/coupons/",
        {
            "action": "batch",
            "batch-name": "新客券",
            "batch-prefix": "NEW",
            "batch-quantity": "3",
            "batch-kind": "amount",
            "batch-amount": "10",
            "batch-starts_at": local(now),
            "batch-ends_at": local(now + timedelta(days=30)),
            "batch-scope_all": "on",
        },
    )
    rows = csv_rows(client.get("/console/promotions/coupons/", {"q": "NEW", "export": "csv"}))
    assert rows[0][:2] == ["券码", "类型"]
    assert sorted(r[0] for r in rows[1:]) == sorted(Coupon.objects.values_list("code", flat=True))
    assert {r[3] for r in rows[1:]} == {"10.00"}
    assert xlsx_rows(client.get("/console/promotions/coupons/", {"q": "NOPE", "export": "xlsx"}))[1:] == []
    client.post(
        "/console/promotions/new/",
        {
            "name": "双十一满减",
            "kind": "spend_x_save_y",
            "starts_at": local(now),
            "ends_at": local(now + timedelta(days=3)),
            "priority": "5",
            "scope_all": "on",
            "tiers": "200:20, 400:50",
        },
    )
    rows = csv_rows(client.get("/console/promotions/", {"status": "live", "export": "csv"}))
    assert [(r[0], r[5]) for r in rows[1:]] == [("双十一满减", "进行中")]
    assert csv_rows(client.get("/console/promotions/", {"status": "ended", "export": "csv"}))[1:] == []
    warehouse = signed_in("warehouse")
    assert warehouse.get("/console/promotions/", {"export": "csv"}).status_code == 403
    assert warehouse.get("/console/promotions/coupons/", {"export": "csv"}).status_code == 403


def test_a_promotion_and_a_coupon_without_an_end_show_no_end_not_a_date_in_2100():
    from .builders import make_coupon

    promotion = make_promotion("percent_off", name="会员常驻九折", ends_at=None, percent="10")
    make_coupon("FOREVER5", ends_at=None)
    client = signed_in("marketing")
    listing = client.get("/console/promotions/").content.decode()
    assert "长期有效" in listing and "2100" not in listing
    coupons = client.get("/console/promotions/coupons/").content.decode()
    assert "长期有效" in coupons and "2100" not in coupons
    # Editing it again: the end field is empty, and saving keeps "no end".
    form = client.get(f"/console/promotions/{promotion.pk}/").content.decode()
    assert "2100" not in form
    exported = b"".join(client.get("/console/promotions/?export=csv").streaming_content).decode("utf-8-sig")
    assert "长期有效" in exported and "2100" not in exported
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(make_staff("marketing", "marketing-en"))
    assert "No end" in english.get("/console/promotions/").content.decode()
