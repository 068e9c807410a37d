"""The analytics API: the summary and bestseller contracts, roles, bad input; the collect endpoint
(Do Not Track, consent, bots)."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from dianpu.analytics.domain.tracking import Kind
from dianpu.analytics.models import TrackingEvent
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

from .builders import fold, make_refund, track, visit

pytestmark = pytest.mark.django_db


def test_summary_answers_the_contract_figures(at, staff_api, staff):
    make_product(price="100.00", stock=20, skus=["A"])
    at(2026, 3, 1, 9, 0)
    for n in range(4):
        track(visit(f"visitor-{n:04d}"), Kind.PAGE_VIEW)
    fold()
    first = place_test_order({"A": 1}, email="x@example.com")
    second = place_test_order({"A": 2}, email="y@example.com")
    cancelled = place_test_order({"A": 1}, email="z@example.com")
    transition_order(order=cancelled, action="cancel", actor=staff("agent"))
    transition_order(order=first, action="mark_paid", actor=staff("owner"))
    at(2026, 3, 2, 9, 0)
    make_refund(first, "30.00")

    response = staff_api("finance").get("analytics/summary", date_from="2026-03-01", date_to="2026-03-02")
    assert response.status_code == 200
    sales = first.grand_total + second.grand_total
    assert response.json() == {
        "orders": 2,
        "sales": str(sales),
        "average_order_value": str((sales / 2).quantize(Decimal("0.01"))),
        "refunds": "30.00",
        "visitors": 4,
        "conversion_rate": 0.5,
    }
    only_first_day = staff_api("operator").get("analytics/summary", date_from="2026-03-01", date_to="2026-03-01")
    assert only_first_day.json()["refunds"] == "0.00"


def test_agents_may_not_see_the_figures(staff_api):
    response = staff_api("agent").get("analytics/summary", date_from="2026-03-01", date_to="2026-03-02")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert staff_api("agent").get("analytics/bestsellers", date="2026-03-01").status_code == 403


def test_a_bad_period_is_refused_in_the_users_language(staff_api):
    backwards = staff_api("owner", language="en").get("analytics/summary", date_from="2026-03-02", date_to="2026-03-01")
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "bad_period"
    assert "start date" in backwards.json()["detail"]
    garbled = staff_api("owner").get("analytics/summary", date_from="yesterday", date_to="2026-03-01")
    assert garbled.status_code == 422
    assert "date_from" in garbled.json()["errors"]


def test_no_token_is_401(api):
    assert api.get("analytics/summary", date_from="2026-03-01", date_to="2026-03-01").status_code == 401


def _daily_visitors(at, product, counts, start=date(2026, 4, 1)):
    """`counts[i]` distinct visitors view `product` on day start + i."""
    for offset, count in enumerate(counts):
        day = start + timedelta(days=offset)
        at(day.year, day.month, day.day, 12, 0)
        for n in range(count):
            track(visit(f"v-{offset}-{n:04d}", f"s-{product.pk}-{offset}-{n}"), Kind.PRODUCT_VIEW, product=product)
    fold()


def test_bestsellers_flag_a_product_declining_for_three_days_and_then_for_replacement(at, staff_api):
    falling = make_product(name="下滑款", price="50.00", skus=["FALL"])
    steady = make_product(name="稳定款", price="50.00", skus=["STEADY"])
    #                  Apr 1   2   3   4   5   6   7   8
    _daily_visitors(at, falling, [20, 20, 15, 10, 5, 6, 6, 6])
    _daily_visitors(at, steady, [10, 10, 10, 10, 10, 10, 10, 10])
    client = staff_api("operator")

    def flags(day):
        items = client.get("analytics/bestsellers", date=day).json()["items"]
        return {i["slug"]: i["flag"] for i in items}

    assert flags("2026-04-04")[falling.slug] is None  # two days of falls
    assert flags("2026-04-05")[falling.slug] == "declining"  # 20 → 15 → 10 → 5
    assert flags("2026-04-08")[falling.slug] == "declining"  # six days after the level of 20
    assert flags("2026-04-05")[steady.slug] is None
    _daily_visitors(at, falling, [7], start=date(2026, 4, 9))
    assert flags("2026-04-09")[falling.slug] == "improve_or_replace"  # still below 20 seven days on
    item = next(
        i for i in client.get("analytics/bestsellers", date="2026-04-09").json()["items"] if i["slug"] == falling.slug
    )
    assert {
        k: item[k] for k in ("slug", "visitors", "avg_dwell_seconds", "buyers", "conversion_rate", "sales", "flag")
    } == {
        "slug": falling.slug,
        "visitors": 7,
        "avg_dwell_seconds": 0.0,
        "buyers": 0,
        "conversion_rate": 0.0,
        "sales": "0.00",
        "flag": "improve_or_replace",
    }


def test_bestsellers_show_buyers_conversion_and_sales(at, staff_api, staff):
    tee = make_product(price="80.00", stock=10, skus=["TEE"])
    at(2026, 5, 1, 10, 0)
    for n in range(4):
        track(visit(f"visitor-{n:04d}"), Kind.PRODUCT_VIEW, product=tee)
    track(visit("visitor-0000"), Kind.LEAVE, product=tee, dwell_ms=45_000)
    fold()
    order = place_test_order({"TEE": 2})
    track(visit("visitor-0000"), Kind.PURCHASE, order_id=order.pk)  # one of the 4 visitors bought
    transition_order(order=order, action="mark_paid", actor=staff("finance"))
    items = staff_api("owner").get("analytics/bestsellers", date="2026-05-01").json()["items"]
    assert [
        (i["slug"], i["visitors"], i["avg_dwell_seconds"], i["buyers"], i["conversion_rate"], i["sales"], i["flag"])
        for i in items
    ] == [(tee.slug, 4, 45.0, 1, 0.25, "160.00", None)]


def _beacon(client, events, **headers):
    return client.post(
        "/api/v1/analytics/collect", data=json.dumps({"events": events}), content_type="text/plain", **headers
    )


COOKIES = {
    "dp_vid": "visitor-abcdef12",
    "dp_sid": "session-abcdef12",
    "dp_src": "%7B%22s%22%3A%22weibo%22%2C%22m%22%3A%22social%22%2C%22c%22%3A%22spring%22%2C%22r%22%3A%22%22%7D",
}
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def test_collect_appends_browser_events_with_source_and_device(client):
    client.cookies.load(COOKIES)
    response = _beacon(
        client,
        [
            {"kind": "page_view", "path": "/"},
            {"kind": "product_view", "product_id": 7},
            {"kind": "purchase"},
            {"kind": "leave", "dwell_ms": "oops"},
        ],
        HTTP_USER_AGENT=PHONE,
    )
    assert response.status_code == 204
    rows = list(
        TrackingEvent.objects.order_by("id").values_list(
            "kind", "product_id", "channel", "source", "utm_campaign", "device", "visitor_id"
        )
    )
    # "purchase" is recorded by the server only; a malformed event is dropped
    assert rows == [
        ("page_view", None, "social", "weibo", "spring", "mobile", "visitor-abcdef12"),
        ("product_view", 7, "social", "weibo", "spring", "mobile", "visitor-abcdef12"),
    ]


@pytest.mark.parametrize(
    "headers, cookies, consent_required",
    [
        ({"HTTP_DNT": "1"}, {}, False),
        ({"HTTP_SEC_GPC": "1"}, {}, False),
        ({}, {"dp_consent": "no"}, False),
        ({}, {}, True),
        ({"HTTP_USER_AGENT": "Googlebot/2.1"}, {}, False),
    ],
)
def test_collect_records_nothing_without_consent_or_with_do_not_track(
    client, settings, headers, cookies, consent_required
):
    settings.ANALYTICS_CONSENT_REQUIRED = consent_required
    client.cookies.load({**COOKIES, **cookies})
    assert _beacon(client, [{"kind": "page_view", "path": "/"}], **headers).status_code == 204
    assert TrackingEvent.objects.count() == 0


def test_collect_with_consent_given_records(client, settings):
    settings.ANALYTICS_CONSENT_REQUIRED = True
    client.cookies.load({**COOKIES, "dp_consent": "yes"})
    _beacon(client, [{"kind": "page_view", "path": "/"}])
    assert TrackingEvent.objects.count() == 1


def test_collect_ignores_garbage(client):
    client.cookies.load(COOKIES)
    assert client.post("/api/v1/analytics/collect", data=b"\xff{", content_type="text/plain").status_code == 204
    assert _beacon(client, "not a list").status_code == 204
    assert TrackingEvent.objects.count() == 0


def test_sales_by_category_show_margins_to_finance_only(at, staff_api):
    make_product(name="皮靴", price="300.00", stock=5, skus=["BOOT-S"], cost_price="120.00")
    at(2026, 6, 1, 10, 0)
    place_test_order({"BOOT-S": 2})
    finance = staff_api("finance").get("analytics/sales", date_from="2026-06-01", date_to="2026-06-01", by="product")
    assert finance.json() == {
        "by": "product",
        "items": [{"key": "皮靴", "orders": 1, "units": 2, "sales": "600.00", "margin": "360.00"}],
    }
    marketing = staff_api("marketing").get(
        "analytics/sales", date_from="2026-06-01", date_to="2026-06-01", by="product"
    )
    assert marketing.json()["items"][0]["margin"] is None
    assert staff_api("agent").get("analytics/sales", date_from="2026-06-01", date_to="2026-06-01").status_code == 403
    wrong = staff_api("owner").get("analytics/sales", date_from="2026-06-01", date_to="2026-06-01", by="colour")
    assert (wrong.status_code, wrong.json()["code"]) == (422, "bad_breakdown")
