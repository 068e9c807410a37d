"""The design API: briefs by role, a draft uploaded as multipart and checked, the status actions,
experiments; every refusal a 4xx with a code."""

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import make_staff, token_for
from dianpu.catalog.services import add_product_image
from dianpu.catalog.tests.builders import make_product
from dianpu.design.models import Brief, Draft
from dianpu.design.tests.builders import image_bytes

pytestmark = pytest.mark.django_db


def _upload(token, brief_id, data, kind="main", language="zh-hans"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return Client().post(
        f"/api/v1/design/briefs/{brief_id}/drafts",
        {"kind": kind, "file": SimpleUploadedFile("d.jpg", data, content_type="image/jpeg")},
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE=language,
    )


def test_a_brief_through_the_api_from_operator_to_designer_and_onto_the_product(staff_api):
    operator_api = staff_api("operator")
    designer = make_staff("designer", username="meigong")
    product = make_product(name="纯棉T恤")
    created = operator_api.post(
        "design/briefs",
        {
            "product_id": product.pk,
            "title": "新主图",
            "requirements": [{"kind": "main"}, {"kind": "detail"}],
            "reference_urls": ["https://shop.example.com/item/9"],
            "copy_points": "纯棉",
            "due_on": "2026-12-20",
            "assignee_id": designer.pk,
        },
    )
    assert created.status_code == 201, created.content
    brief_id = created.json()["id"]
    token = token_for(designer)
    bad = _upload(token, brief_id, image_bytes((500, 500)))
    assert bad.status_code == 422 and bad.json()["code"] == "image_too_small"
    assert bad.json()["detail"] == "图片尺寸 500×500 太小，要求至少 800×800。"
    english = _upload(token, brief_id, image_bytes((500, 500)), language="en").json()["detail"]
    assert english == "The image is 500×500, too small: at least 800×800 is required."
    assert _upload(token, brief_id, b"GIF89a-not-really").json()["code"] == "image_unreadable"
    assert _upload(token, brief_id, image_bytes((800, 800))).status_code == 201
    assert Draft.objects.count() == 1
    designer_client = Client()
    submitted = designer_client.post(
        f"/api/v1/design/briefs/{brief_id}/submit",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert submitted.status_code == 200 and submitted.json()["status"] == "in_review"
    refused = designer_client.post(
        f"/api/v1/design/briefs/{brief_id}/approve",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_your_brief"
    brief = operator_api.get(f"design/briefs/{brief_id}").json()
    assert brief["allowed_actions"] == ["approve", "request_changes", "cancel"]
    assert operator_api.post(f"design/briefs/{brief_id}/approve", {}).json()["status"] == "approved"
    applied = operator_api.post(f"design/briefs/{brief_id}/apply", {}).json()
    assert applied["status"] == "applied"
    assert product.images.first().pk == applied["drafts"][0]["product_image_id"]


def test_roles_and_refusals(staff_api):
    product = make_product()
    operator_api = staff_api("operator")
    assert staff_api("marketing").get("design/briefs").status_code == 403
    assert (
        staff_api("designer")
        .post("design/briefs", {"product_id": product.pk, "title": "x", "requirements": [{"kind": "main"}]})
        .status_code
        == 403
    )
    bad = operator_api.post(
        "design/briefs", {"product_id": product.pk, "title": "x", "requirements": [{"kind": "main", "width": 1}]}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "requirement_invalid"
    assert operator_api.get("design/briefs/999999").json()["code"] == "brief_not_found"
    brief_id = operator_api.post(
        "design/briefs", {"product_id": product.pk, "title": "x", "requirements": [{"kind": "main"}]}
    ).json()["id"]
    wrong = operator_api.post(f"design/briefs/{brief_id}/apply", {})
    assert wrong.status_code == 409 and wrong.json()["code"] == "action_not_allowed"
    assert operator_api.post(f"design/briefs/{brief_id}/fly", {}).status_code == 409
    assert Brief.objects.get().status == "open"
    assert staff_api("designer").get(f"design/briefs/{brief_id}").status_code == 404  # not theirs


def test_experiments_api(staff_api, staff):
    operator_api = staff_api("operator")
    product = make_product()
    images = [
        add_product_image(actor=staff("owner"), product=product, filename=f"{i}.jpg", data=image_bytes((300, 300)))
        for i in range(2)
    ]
    started = operator_api.post("design/experiments", {"product_id": product.pk, "image_ids": [i.pk for i in images]})
    assert started.status_code == 201
    experiment_id = started.json()["id"]
    shown = operator_api.get(f"design/experiments/{experiment_id}").json()
    assert shown["verdict"] == "too_few_impressions" and [a["impressions"] for a in shown["arms"]] == [0, 0]
    no_winner = operator_api.post(f"design/experiments/{experiment_id}/apply", {})
    assert no_winner.status_code == 409 and no_winner.json()["code"] == "no_winner"
    assert operator_api.post(f"design/experiments/{experiment_id}/stop").json()["status"] == "stopped"
    applied = operator_api.post(f"design/experiments/{experiment_id}/apply", {"arm": 1}).json()
    assert applied["status"] == "applied" and product.images.first().pk == images[1].pk
    assert staff_api("designer").get("design/experiments").status_code == 403
