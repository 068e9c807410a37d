"""Tracking events by signed webhook or file; the customer's order page; exceptions; carrier report."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.fulfillment.domain.tracking import sign
from dianpu.fulfillment.models import Shipment, TrackingEvent
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db
SECRET = "whsec-test"
T0 = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(T0)
    yield
    clock.freeze(None)


@pytest.fixture
def shipped(db):
    make_product(skus=["TEE"], price="59.00", stock=10)
    order = transition_order(order=place_test_order({"TEE": 1}), action="mark_paid")
    return transition_order(
        order=order, action="ship", carrier="sf", tracking_number="SF1234567890123", shipping_cost=Decimal("11.00")
    )


def post_webhook(events, *, secret=SECRET, at=None, body=None):
    raw = body if body is not None else json.dumps({"events": events}).encode()
    header = sign(secret, raw, int((at or clock.now()).timestamp()))
    return Client().post(
        "/api/v1/tracking/webhook", data=raw, content_type="application/json", HTTP_X_DIANPU_TRACKING_SIGNATURE=header
    )


def event(status, hours, **kw):
    return {
        "carrier": "sf",
        "tracking_number": "SF 1234 5678 90123",
        "status": status,
        "occurred_at": (T0 + timedelta(hours=hours)).isoformat(),
        "location": "上海",
        **kw,
    }


@override_settings(TRACKING_WEBHOOK_SECRET=SECRET)
def test_signed_events_are_stored_once_and_delivery_marks_the_order(shipped):
    first = post_webhook([event("in_transit", 1, description="已揽收"), event("delivered", 30)])
    assert first.status_code == 200 and first.json() == {"stored": 2, "duplicates": 0}
    again = post_webhook([event("in_transit", 1, description="已揽收")])
    assert again.json() == {"stored": 0, "duplicates": 1}
    shipment = Shipment.objects.get(order=shipped)
    assert shipment.status == "delivered"
    assert shipment.delivered_at == T0 + timedelta(hours=30)
    assert Order.objects.get(pk=shipped.pk).status == "delivered"
    assert TrackingEvent.objects.count() == 2


@override_settings(TRACKING_WEBHOOK_SECRET=SECRET)
def test_order_api_shows_parcels_and_their_events(staff_api, shipped):
    post_webhook([event("in_transit", 1, description="已揽收"), event("out_for_delivery", 20)])
    parcel = staff_api("agent").get(f"orders/{shipped.number}").json()["shipments"][0]
    assert (parcel["carrier"], parcel["tracking_number"], parcel["status"]) == (
        "sf",
        "SF1234567890123",
        "out_for_delivery",
    )
    assert [(e["status"], e["description"]) for e in parcel["events"]] == [
        ("out_for_delivery", ""),
        ("in_transit", "已揽收"),
    ]


@override_settings(TRACKING_WEBHOOK_SECRET=SECRET)
def test_bad_signature_stale_timestamp_and_unknown_parcel_are_refused(shipped):
    bad = post_webhook([event("delivered", 2)], secret="wrong")
    assert bad.status_code == 401 and bad.json()["code"] == "signature_invalid"
    stale = post_webhook([event("delivered", 2)], at=T0 - timedelta(minutes=6))
    assert stale.status_code == 401 and stale.json()["code"] == "signature_expired"
    unknown = post_webhook([event("in_transit", 1), {**event("delivered", 2), "tracking_number": "SF9999999999999"}])
    assert unknown.status_code == 422
    assert unknown.json()["lines"][0]["line"] == 2 and unknown.json()["lines"][0]["code"] == "parcel_unknown"
    missing = Client().post("/api/v1/tracking/webhook", data=b"{}", content_type="application/json")
    assert missing.status_code == 401 and missing.json()["code"] == "signature_missing"
    assert TrackingEvent.objects.count() == 0
    assert Order.objects.get(pk=shipped.pk).status == "shipped"


def test_file_import_is_all_or_nothing_and_audited(client, staff, shipped):
    client.force_login(staff("warehouse"))
    good = (
        "tracking_number,carrier,status,occurred_at,location,description\n"
        "SF1234567890123,sf,in_transit,2026-11-20T12:00:00+08:00,杭州,到达转运中心\n"
    )
    bad = good + "SF1234567890123,sf,flying,2026-11-20T13:00:00+08:00,,\n"
    response = client.post("/console/fulfillment/tracking/upload/", {"file": SimpleUploadedFile("t.csv", bad.encode())})
    assert response.status_code == 422
    assert [(p["line"], p["column"]) for p in response.context["problems"]] == [(3, "status")]
    assert TrackingEvent.objects.count() == 0
    response = client.post(
        "/console/fulfillment/tracking/upload/", {"file": SimpleUploadedFile("t.csv", good.encode())}
    )
    assert response.status_code == 200 and response.context["result"] == {"stored": 1, "duplicates": 0}
    assert TrackingEvent.objects.get().location == "杭州"


@override_settings(TRACKING_WEBHOOK_SECRET=SECRET)
def test_customer_order_page_shows_tracking_link_and_events(client, shipped):
    post_webhook([event("in_transit", 1, description="已揽收")])
    html = client.get("/orders/status/", {"number": shipped.number, "email": shipped.email}).content.decode()
    assert "https://www.sf-express.com/chn/sc/waybill/waybill-detail/SF1234567890123" in html
    assert "已揽收" in html and "运输中" in html


@override_settings(TRACKING_WEBHOOK_SECRET=SECRET)
def test_exceptions_queue_and_carrier_report(staff_api, shipped):
    # standard promises 5 days: a week later, undelivered, the parcel is late
    clock.freeze(T0 + timedelta(days=7))
    body = staff_api("agent").get("shipments/exceptions").json()
    assert [(r["order_number"], r["kind"], r["days_late"]) for r in body] == [(shipped.number, "late", 2)]
    post_webhook([event("returned", 24 * 6)])
    body = staff_api("agent").get("shipments/exceptions", kind="returned").json()
    assert [r["kind"] for r in body] == ["returned"]
    report = staff_api("owner").get("reports/carriers").json()
    assert report == [
        {
            "carrier": "sf",
            "name": "顺丰速运",
            "parcels": 1,
            "delivered": 0,
            "exceptions": 1,
            "on_time_rate": None,
            "average_days": None,
            "cost_per_parcel": "11.00",
        }
    ]
    assert staff_api("warehouse").get("reports/carriers").status_code == 403


@override_settings(TRACKING_WEBHOOK_SECRET=SECRET)
def test_on_time_rate_and_average_days(staff_api, shipped):
    post_webhook([event("delivered", 48)])
    report = staff_api("owner").get("reports/carriers").json()[0]
    assert (report["delivered"], report["on_time_rate"], report["average_days"], report["exceptions"]) == (
        1,
        "1.000",
        "2.0",
        0,
    )


@pytest.mark.parametrize(
    "path",
    [
        "/console/fulfillment/",
        "/console/fulfillment/pick/",
        "/console/fulfillment/batch-ship/",
        "/console/fulfillment/exceptions/",
        "/console/fulfillment/tracking/upload/",
        "/console/fulfillment/report/carriers/",
        "/console/fulfillment/methods/",
        "/console/fulfillment/methods/standard/",
        "/console/orders/review/",
        "/console/orders/review/settings/",
        "/console/orders/review/blacklist/",
        "/console/orders/merge/",
        "/console/channels/import/",
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_console_pages_open_for_the_owner(client, staff, shipped, path, language):
    client.force_login(staff("owner"))
    client.cookies["dianpu_language"] = language
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()


@override_settings(TRACKING_WEBHOOK_SECRET=SECRET)
def test_refusals_speak_english_too(shipped):
    raw = json.dumps({"events": [event("delivered", 2)]}).encode()
    response = Client().post(
        "/api/v1/tracking/webhook",
        data=raw,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_X_DIANPU_TRACKING_SIGNATURE=sign("x", raw, int(T0.timestamp())),
    )
    assert response.json() == {"code": "signature_invalid", "detail": "The signature is wrong."}


def test_console_carrier_report_by_shipping_date(client, staff, shipped):
    client.force_login(staff("finance"))
    rows = client.get("/console/fulfillment/report/carriers/").context["rows"]
    assert [(r["carrier"], r["parcels"], r["cost_per_parcel"]) for r in rows] == [("sf", 1, Decimal("11.00"))]
    later = client.get("/console/fulfillment/report/carriers/", {"shipped_from": "2026-11-21"}).context["rows"]
    assert later == []


@override_settings(TRACKING_WEBHOOK_SECRET=SECRET)
def test_the_exceptions_queue_and_carrier_report_export_what_they_show(client, staff, shipped):
    from dianpu.core.testing_exports import csv_rows, xlsx_rows

    clock.freeze(T0 + timedelta(days=7))
    client.force_login(staff("finance"))
    rows = csv_rows(client.get("/console/fulfillment/exceptions/", {"export": "csv"}))
    assert rows[0][:3] == ["订单号", "承运商", "运单号"]
    assert [(r[0], r[5], r[6]) for r in rows[1:]] == [(shipped.number, "超时未签收", "2")]
    assert xlsx_rows(client.get("/console/fulfillment/exceptions/", {"kind": "returned", "export": "xlsx"}))[1:] == []
    rows = xlsx_rows(client.get("/console/fulfillment/report/carriers/", {"export": "xlsx"}))
    assert [(r[0], r[1], r[6]) for r in rows[1:]] == [("顺丰速运", 1, 11.0)]
    assert (
        csv_rows(client.get("/console/fulfillment/report/carriers/", {"shipped_from": "2026-11-21", "export": "csv"}))[
            1:
        ]
        == []
    )
    client.force_login(staff("warehouse"))  # may see exceptions, not the figures
    assert client.get("/console/fulfillment/report/carriers/", {"export": "csv"}).status_code == 403
    client.force_login(staff("designer"))
    assert client.get("/console/fulfillment/exceptions/", {"export": "csv"}).status_code == 403
