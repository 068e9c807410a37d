"""Input a careless or hostile client sends: each class answered with a 4xx and a `code`, never a
500, on every operation it applies to (enumerated from the OpenAPI document)."""

import json

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import make_staff, token_for
from dianpu.catalog.models import Product
from dianpu.catalog.tests.builders import make_product
from dianpu.messaging.models import NotificationTemplate
from dianpu.orders.tests.builders import place_test_order
from tests.architecture.role_probe import Objects, _resolve, minimal_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json()


@pytest.fixture
def owner_headers(db):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(make_staff('owner'))}", "HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def objects(db):
    product = make_product(name="纯棉T恤", price="59.00", stock=5, skus=["TEE-M"])
    order = place_test_order({"TEE-M": 1})
    return Objects(
        {
            "slug": product.slug,
            "number": order.number,
            "sku": "TEE-M",
            "kind": "order_confirmed",
            "language": "zh-hans",
            "code": "standard",
        }
    )


def operations(document, *, having):
    for path, ops in document["paths"].items():
        for method, operation in ops.items():
            if having(operation):
                yield method, path, operation


def url_of(path, objects):
    import re

    return re.sub(r"\{(\w+)\}", lambda m: objects.fill(m.group(1)), path)


def json_body_schema(operation):
    return operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")


def assert_refused_with_a_code(response, where):
    assert 400 <= response.status_code < 500, (where, response.status_code, response.content[:300])
    assert response.json().get("code"), (where, response.content[:300])


def test_a_page_beyond_any_integer_is_refused_on_every_list(document, owner_headers, objects):
    lists = list(operations(document, having=lambda op: any(p["name"] == "page" for p in op.get("parameters", []))))
    assert ("get", "/api/v1/products") in {(m, p) for m, p, _op in lists}
    client = Client()
    for _method, path, _operation in lists:
        for page in (2**63, 10**30, 0):
            response = client.get(url_of(path, objects), {"page": page}, **owner_headers)
            assert response.status_code == 422, (path, page, response.content[:300])
            assert response.json()["code"] == "invalid" and "page" in response.json()["errors"]
        assert client.get(url_of(path, objects), {"page": 100_000}, **owner_headers).status_code == 200


def test_a_body_that_is_not_json_is_400_bad_json_everywhere(document, owner_headers, objects):
    from dianpu.customers.tests.builders import make_account, token_of

    client = Client()
    customer_headers = {**owner_headers, "HTTP_AUTHORIZATION": f"Bearer {token_of(make_account())}"}
    for method, path, operation in operations(document, having=json_body_schema):
        by_customer = any("CustomerToken" in scheme for scheme in operation.get("security", []))
        for raw in (b"{not json", b"\xff\xfe", b'{"a": '):
            response = getattr(client, method)(
                url_of(path, objects),
                data=raw,
                content_type="application/json",
                **(customer_headers if by_customer else owner_headers),
            )
            assert (response.status_code, response.json()["code"]) == (400, "bad_json"), (method, path, raw)
            assert response.json()["detail"] == "The request body is not valid JSON."


def _nullable(document, schema) -> bool:
    schema = _resolve(document, schema)
    return any(_resolve(document, o).get("type") == "null" for o in schema.get("anyOf", []))


def _with_nulls(document, schema, objects):
    """The minimal body with null in every nullable field, also inside one item of each list of
    objects (the item's SKU an existing one); None when nothing in the body is nullable."""
    schema = _resolve(document, schema)
    properties = schema.get("properties", {})
    body = minimal_value(document, schema)
    found = False
    for name, prop in properties.items():
        if _nullable(document, prop):
            body[name], found = None, True
            continue
        items = _resolve(document, prop).get("items")
        if (
            items
            and _resolve(document, items).get("type", "object") == "object"
            and "properties" in _resolve(document, items)
        ):
            item = _with_nulls(document, items, objects)
            if item is not None:
                if "sku" in item:
                    item["sku"] = objects.values["sku"]
                body[name], found = [item], True
    return body if found else None


def test_null_in_every_field_that_allows_it_is_never_a_server_error(document, owner_headers, objects):
    """A null where the schema allows one must be handled (meaning "none" or "unchanged"), never
    reach a NOT NULL column."""
    client = Client()
    tried = 0
    for method, path, operation in operations(document, having=json_body_schema):
        body = _with_nulls(document, json_body_schema(operation), objects)
        if body is None:
            continue
        response = getattr(client, method)(
            url_of(path, objects), data=json.dumps(body), content_type="application/json", **owner_headers
        )
        tried += 1
        assert response.status_code < 500, (method, path, body, response.content[:300])
        if response.status_code >= 400:
            assert_refused_with_a_code(response, (method, path))
    assert tried >= 5


def test_dates_beyond_the_calendar_are_refused(owner_headers):
    client = Client()
    for url, query in [
        ("/api/v1/analytics/sales", {"date_from": "0001-01-01", "date_to": "0001-01-01"}),
        ("/api/v1/analytics/bestsellers", {"date": "0001-01-09"}),
        ("/api/v1/analytics/sales", {"date_from": "9999-12-31", "date_to": "9999-12-31"}),
    ]:
        response = client.get(url, query, **owner_headers)
        assert (response.status_code, response.json()["code"]) == (422, "invalid"), (url, response.content)


def test_a_number_beyond_the_column_is_refused_and_changes_nothing(owner_headers):
    from dianpu.orders.models import ReviewSettings

    client = Client()
    before = list(ReviewSettings.objects.values())
    body = {
        "high_value_over": 1.78e307,
        "max_orders_per_address_per_day": 46,
        "max_orders_per_phone_per_day": 3,
        "max_orders_per_ip_per_day": 48582583620,
        "check_far_apart": False,
    }
    response = client.put(
        "/api/v1/order-review/settings", json.dumps(body), content_type="application/json", **owner_headers
    )
    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert set(response.json()["errors"]) == {"high_value_over", "max_orders_per_ip_per_day"}
    assert list(ReviewSettings.objects.values()) == before


def test_a_product_with_orders_cannot_be_deleted_and_is_to_be_delisted_instead(owner_headers, objects):
    slug = objects.values["slug"]
    response = Client().delete(f"/api/v1/products/{slug}", **owner_headers)
    assert response.status_code == 409
    assert response.json()["code"] == "product_in_use_delist_instead"
    assert response.json()["retire_with"] == "delist"
    assert "delist" in response.json()["detail"]
    assert Product.objects.filter(slug=slug).exists()


def test_a_product_nothing_refers_to_can_be_deleted(owner_headers):
    product = make_product(name="草稿", skus=["DRAFT-1"], stock=0, status=Product.Status.DRAFT)
    assert Client().delete(f"/api/v1/products/{product.slug}", **owner_headers).status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()


@pytest.mark.parametrize(
    "body, tag",
    [
        ('{% include "base.html" %}', "include"),
        ('{% extends "messaging/base.txt" %}{{ order_number }}', "extends"),
        ("{% load static %}{{ order_number }}", "load"),
        ("{% debug %}", "debug"),
        ("您好 {% include order_number %}", "include"),
    ],
)
def test_a_notification_template_that_pulls_in_another_is_refused_at_save(owner_headers, body, tag):
    response = Client().put(
        "/api/v1/notification-templates/order_confirmed/zh-hans",
        json.dumps({"subject": "订单 {{ order_number }}", "body": body}),
        content_type="application/json",
        **owner_headers,
    )
    assert (response.status_code, response.json()["code"], response.json()["tag"]) == (422, "template_tag_refused", tag)
    assert tag in response.json()["detail"]
    assert not NotificationTemplate.objects.exists()


def test_a_notification_template_in_the_subject_is_refused_too(owner_headers):
    response = Client().put(
        "/api/v1/notification-templates/order_confirmed/zh-hans",
        json.dumps({"subject": '{% include "x" %}', "body": "您好"}),
        content_type="application/json",
        **owner_headers,
    )
    assert (response.status_code, response.json()["code"]) == (422, "template_tag_refused")
    assert not NotificationTemplate.objects.exists()


def test_null_where_a_shipping_method_needs_a_value_is_refused_and_changes_nothing(owner_headers):
    from dianpu.fulfillment.models import ShippingMethod

    before = ShippingMethod.objects.values("fee", "delivery_days_min", "is_active").get(code="standard")
    client = Client()
    for field in ("fee", "delivery_days_min", "is_active"):
        response = client.patch(
            "/api/v1/shipping-methods/standard",
            json.dumps({field: None}),
            content_type="application/json",
            **owner_headers,
        )
        assert (response.status_code, response.json()["code"], list(response.json()["errors"])) == (
            422,
            "invalid",
            [field],
        )
    assert ShippingMethod.objects.values("fee", "delivery_days_min", "is_active").get(code="standard") == before
    cleared = client.patch(
        "/api/v1/shipping-methods/standard",
        json.dumps({"free_over": None}),
        content_type="application/json",
        **owner_headers,
    )
    assert (cleared.status_code, cleared.json()["free_over"]) == (200, None)


def test_pages_beyond_any_integer_show_the_last_page_on_the_storefront_and_console(client, objects):
    huge = "9" * 30
    assert client.get(f"/search/?q=T恤&page={huge}").status_code == 200
    assert client.get("/search/?q=T恤&page=-1").status_code == 200
    client.force_login(make_staff("owner", username="pager"))
    for url in ("/console/orders/", "/console/catalog/products/", "/console/audit/"):
        assert client.get(f"{url}?page={huge}").status_code == 200, url
