"""The contract: competitors, products mapped by slug, snapshots raising alerts, suggested price, roles."""

from decimal import Decimal

import pytest

from dianpu.audit.models import AuditEntry
from dianpu.catalog.models import PriceHistory, Variant
from dianpu.catalog.services import set_margin_rule
from dianpu.catalog.tests.builders import make_product
from dianpu.competitors.models import Alert, Competitor, CompetitorProduct, Snapshot

pytestmark = pytest.mark.django_db


def _setup(api):
    ours = make_product(name="纯棉T恤", price="100.00", cost_price="50.00")
    shop = api.post("competitors", {"name": "同行甲", "platform": "taobao", "url": "https://a.example.com/"})
    assert shop.status_code == 201
    product = api.post(
        "competitor-products",
        {
            "competitor_id": shop.json()["id"],
            "name": "同款T恤",
            "url": "https://a.example.com/item/1",
            "our_products": [ours.slug],
            "price_selector": ".price",
        },
    )
    assert product.status_code == 201
    return ours, product.json()["id"]


def test_snapshot_undercutting_us_raises_an_alert(staff_api):
    api = staff_api("operator")
    ours, product_id = _setup(api)
    response = api.post(
        f"competitor-products/{product_id}/snapshots", {"price": "¥89.00", "sales_count": 120, "rating": "4.8"}
    )
    assert response.status_code == 201
    assert response.json()["price"] == "89.00"
    alerts = api.get("competitor-alerts").json()["items"]
    assert [
        (a["kind"], a["competitor_product_id"], a["our_product"], a["their_price"], a["our_price"]) for a in alerts
    ] == [("undercut", product_id, ours.slug, "89.00", "100.00")]


def test_within_the_margin_no_alert_and_a_new_promotion_raises_one(staff_api):
    api = staff_api("marketing")
    ours, product_id = _setup(api)
    assert api.post(f"competitor-products/{product_id}/snapshots", {"price": "96"}).status_code == 201
    assert api.get("competitor-alerts").json()["items"] == []
    api.post(f"competitor-products/{product_id}/snapshots", {"price": "96", "promotion_text": "满199减20"})
    items = api.get("competitor-alerts").json()["items"]
    assert [(a["kind"], a["their_price"]) for a in items] == [("promotion", "96.00")]
    second = api.get(f"competitor-products/{product_id}/snapshots").json()[-1]
    assert second["changes"] == ["promotion"]


def test_suggested_price_never_below_the_floor(staff_api):
    api = staff_api("owner")
    ours, product_id = _setup(api)
    set_margin_rule(actor=None, category=None, min_margin_percent=Decimal("30"))
    api.post(f"competitor-products/{product_id}/snapshots", {"price": "59.90"})
    body = api.get(f"competitor-products/{product_id}/suggested-price").json()
    assert body == {
        "our_product": ours.slug,
        "price": "65.00",
        "floor": "65.00",
        "their_price": "59.90",
        "our_price": "100.00",
    }
    api.post(f"competitor-products/{product_id}/snapshots", {"price": "80"})
    body = api.get(f"competitor-products/{product_id}/suggested-price").json()
    assert (body["price"], body["floor"]) == ("80.00", "65.00")


def test_applying_the_suggestion_goes_through_the_pricing_service(staff_api):
    api = staff_api("operator")
    ours, product_id = _setup(api)
    api.post(f"competitor-products/{product_id}/snapshots", {"price": "1,299元 券后价 79"})
    alert_id = api.get("competitor-alerts").json()["items"][0]["id"]
    response = api.post(f"competitor-alerts/{alert_id}/apply")
    assert response.status_code == 200 and response.json() == {"price": "79.00"}
    assert Variant.objects.get(product=ours).price == Decimal("79.00")
    assert PriceHistory.objects.filter(new_amount=Decimal("79.00")).count() == 1
    assert AuditEntry.objects.filter(action="price.changed").count() == 1
    assert api.get("competitor-alerts").json()["items"] == []
    assert Alert.objects.get(pk=alert_id).applied_price == Decimal("79.00")


def test_marketing_may_watch_but_not_change_prices(staff_api):
    ours, product_id = _setup(staff_api("owner"))
    staff_api("owner").post(f"competitor-products/{product_id}/snapshots", {"price": "50"})
    alert_id = Alert.objects.get().pk
    response = staff_api("marketing").post(f"competitor-alerts/{alert_id}/apply")
    assert response.status_code == 403
    assert Variant.objects.get(product=ours).price == Decimal("100.00")


@pytest.mark.parametrize("role", ["agent", "warehouse", "finance", "designer"])
def test_other_roles_are_refused(staff_api, role):
    api = staff_api(role)
    assert api.post("competitors", {"name": "x", "platform": "jd", "url": "https://x.example.com/"}).status_code == 403
    assert api.get("competitor-alerts").status_code == 403
    assert api.post("competitor-products", {"competitor_id": 1, "name": "x"}).status_code == 403
    assert api.get("competitor-products/1/suggested-price").status_code == 403
    assert api.post("competitor-products/1/fetch").status_code == 403
    assert not Competitor.objects.exists()


def test_bad_input_is_a_4xx_with_a_code(staff_api):
    api = staff_api("operator")
    ours, product_id = _setup(api)
    bad = api.post(
        "competitor-products",
        {"competitor_id": Competitor.objects.get().pk, "name": "x", "our_products": ["no-such-product"]},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_products"
    assert api.post("competitors", {"name": "", "url": "ftp://x"}).json()["code"] == "name_required"
    assert api.post("competitors", {"name": "y", "url": "javascript:alert(1)"}).json()["code"] == "url_invalid"
    for price in ("abc", "-5", ""):
        response = api.post(f"competitor-products/{product_id}/snapshots", {"price": price})
        assert response.status_code == 422 and response.json()["code"] == "price_invalid"
    assert (
        api.post(f"competitor-products/{product_id}/snapshots", {"price": "9", "rating": "7"}).json()["code"]
        == "rating_invalid"
    )
    assert api.post("competitor-products/999999/snapshots", {"price": "9"}).status_code == 404
    assert Snapshot.objects.count() == 0 and CompetitorProduct.objects.count() == 1


def test_numbers_as_json_numbers_and_a_missing_price(staff_api):
    api = staff_api("operator")
    ours, product_id = _setup(api)
    response = api.post(
        f"competitor-products/{product_id}/snapshots", {"price": 89.9, "rating": 4.7, "sales_count": 10}
    )
    assert response.status_code == 201
    assert (response.json()["price"], response.json()["rating"]) == ("89.90", "4.70")
    missing = api.post(f"competitor-products/{product_id}/snapshots", {"promotion_text": "x"})
    assert missing.status_code == 422 and "code" in missing.json()
    assert Snapshot.objects.count() == 1


def test_the_same_undercut_again_raises_no_second_alert_but_a_lower_price_does(staff_api):
    api = staff_api("operator")
    ours, product_id = _setup(api)
    for price in ("80", "80", "85", "75"):
        api.post(f"competitor-products/{product_id}/snapshots", {"price": price})
    assert [a["their_price"] for a in api.get("competitor-alerts").json()["items"]] == ["75.00", "80.00"]
