"""The designer's desk in the console: the list by role, a brief created from the form, a draft
uploaded (and a bad one refused with its message), approve and apply; the A/B test pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dianpu.catalog.services import add_product_image
from dianpu.catalog.tests.builders import make_product
from dianpu.design import services
from dianpu.design.models import Brief, Draft
from dianpu.design.tests.builders import image_bytes, make_brief

pytestmark = pytest.mark.django_db


def test_operator_creates_a_brief_from_the_form(client, staff):
    operator, designer = staff("operator"), staff("designer")
    product = make_product(name="纯棉T恤")
    client.force_login(operator)
    assert client.get("/console/design/new/").status_code == 200
    response = client.post(
        "/console/design/new/",
        {
            "title": "双11主图",
            "product_id": product.pk,
            "kind_main": "1",
            "width_main": "800",
            "height_main": "800",
            "count_main": "2",
            "white_main": "1",
            "kind_banner": "1",
            "width_banner": "1920",
            "height_banner": "600",
            "count_banner": "1",
            "reference_urls": "https://shop.example.com/a\nhttps://shop.example.com/b",
            "copy_points": "满199减20",
            "due_on": "2026-12-20",
            "assignee_id": designer.pk,
            "references": [SimpleUploadedFile("ref.png", image_bytes((300, 300), fmt="PNG"), content_type="image/png")],
        },
    )
    brief = Brief.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/design/briefs/{brief.pk}/"
    assert [(r["kind"], r["count"], r["white_background"]) for r in brief.requirements] == [
        ("main", 2, True),
        ("banner", 1, False),
    ]
    assert brief.reference_urls == ["https://shop.example.com/a", "https://shop.example.com/b"]
    assert brief.assignee == designer and brief.references.count() == 1
    page = client.get(f"/console/design/briefs/{brief.pk}/").content.decode()
    assert "双11主图" in page and "满199减20" in page


def test_designer_uploads_and_a_bad_draft_shows_its_message(client, staff):
    operator, designer = staff("operator"), staff("designer")
    brief = make_brief(operator=operator, designer=designer)
    client.force_login(designer)
    assert "新款主图" in client.get("/console/design/").content.decode()
    bad = client.post(
        f"/console/design/briefs/{brief.pk}/",
        {"action": "upload", "kind": "main", "file": SimpleUploadedFile("x.jpg", image_bytes((600, 600)))},
        follow=True,
    )
    assert "图片尺寸 600×600 太小，要求至少 800×800。" in bad.content.decode()
    assert Draft.objects.count() == 0
    client.post(
        f"/console/design/briefs/{brief.pk}/",
        {"action": "upload", "kind": "main", "file": SimpleUploadedFile("ok.jpg", image_bytes((800, 800)))},
    )
    client.post(f"/console/design/briefs/{brief.pk}/", {"action": "submit"})
    brief.refresh_from_db()
    assert brief.status == "in_review" and Draft.objects.count() == 1
    page = client.get(f"/console/design/briefs/{brief.pk}/").content.decode()
    assert 'id="action-approve"' not in page  # the designer has no approve button


def test_operator_approves_and_applies_in_the_console(client, staff):
    operator, designer = staff("operator"), staff("designer")
    brief = make_brief(operator=operator, designer=designer)
    from dianpu.design.tests.builders import upload

    draft = services.upload_draft(actor=designer, brief=brief, kind="main", upload=upload(image_bytes()))
    services.act_on_brief(actor=designer, brief=brief, action="submit")
    client.force_login(operator)
    page = client.get(f"/console/design/briefs/{brief.pk}/").content.decode()
    assert 'id="action-approve"' in page
    client.post(f"/console/design/briefs/{brief.pk}/", {"action": "approve", "draft": [draft.pk], "body": "很好"})
    client.post(f"/console/design/briefs/{brief.pk}/", {"action": "apply"})
    brief.refresh_from_db()
    draft.refresh_from_db()
    assert brief.status == "applied" and brief.product.images.first().pk == draft.product_image_id


def test_experiment_pages(client, staff):
    operator = staff("operator")
    product = make_product(name="纯棉T恤")
    images = [
        add_product_image(actor=operator, product=product, filename=f"{i}.jpg", data=image_bytes((300, 300)))
        for i in range(2)
    ]
    client.force_login(operator)
    assert "纯棉T恤" in client.get(f"/console/design/experiments/?product={product.pk}").content.decode()
    response = client.post("/console/design/experiments/", {"product_id": product.pk, "image": [i.pk for i in images]})
    experiment = product.image_experiments.get()
    assert response["Location"] == f"/console/design/experiments/{experiment.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "曝光还不够" in page and 'id="stop-experiment"' in page
    client.post(response["Location"], {"arm": "1"})
    assert product.images.first().pk == images[1].pk


def test_pages_by_role(client, staff):
    client.force_login(staff("designer"))
    assert client.get("/console/design/").status_code == 200
    assert client.get("/console/design/new/").status_code == 403
    assert client.get("/console/design/experiments/").status_code == 403
    client.force_login(staff("agent"))
    assert client.get("/console/design/").status_code == 403
