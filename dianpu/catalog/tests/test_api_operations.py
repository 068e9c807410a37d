"""API of the product desk: imports, exports, prices, bulk actions, audit, banned words."""

from decimal import Decimal

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import make_staff, token_for
from dianpu.audit.models import AuditEntry
from dianpu.catalog.models import Product, Variant
from dianpu.catalog.tests.builders import make_product
from dianpu.catalog.tests.test_imports import TEE_ROWS, native_csv

pytestmark = pytest.mark.django_db


def auth(role: str, language: str = "zh-hans") -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(make_staff(role))}", "HTTP_ACCEPT_LANGUAGE": language}


def test_an_import_through_the_api_runs_in_the_worker_and_reports(django_capture_on_commit_callbacks):
    client, headers = Client(), auth("operator")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.csv", native_csv(TEE_ROWS), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/product-imports", {"file": upload, "file_format": "native"}, **headers)
    assert response.status_code == 202
    job = client.get(f"/api/v1/product-imports/{response.json()['id']}", **headers).json()
    assert (job["state"], job["summary"]["variants_created"], job["percent"]) == ("done", 3, 100)
    assert Variant.objects.count() == 3
    assert [j["id"] for j in client.get("/api/v1/product-imports", **headers).json()] == [job["id"]]


def test_a_refused_import_through_the_api_lists_line_column_and_reason(django_capture_on_commit_callbacks):
    client, headers = Client(), auth("operator", "en")
    from django.core.files.uploadedfile import SimpleUploadedFile

    rows = [list(r) for r in TEE_ROWS]
    rows[0][8] = "-1"
    upload = SimpleUploadedFile("p.csv", native_csv(rows), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/product-imports", {"file": upload}, **headers)
    job = client.get(f"/api/v1/product-imports/{response.json()['id']}", **headers).json()
    assert job["state"] == "refused"
    assert [(e["line"], e["column"], e["code"]) for e in job["errors"]] == [(2, "price", "price_negative")]
    assert job["errors"][0]["reason"] == "Price cannot be negative"
    assert Product.objects.count() == 0


def test_the_designer_may_not_import():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.csv", native_csv(TEE_ROWS), content_type="text/csv")
    response = Client().post("/api/v1/product-imports", {"file": upload}, **auth("designer"))
    assert response.status_code == 403 and Product.objects.count() == 0


def test_export_as_xlsx():
    make_product(skus=["X-1"])
    response = Client().get("/api/v1/product-exports?file_format=woocommerce&kind=xlsx", **auth("marketing"))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_patch_a_price_below_the_floor_needs_override_and_reason(staff_api):
    product = make_product(skus=["P-1"], price="59.00", cost_price="20.00")
    owner = staff_api("owner")
    put = owner.client.put(
        "/api/v1/margin-rules",
        data='{"category": null, "min_margin_percent": "50"}',
        content_type="application/json",
        **owner.headers,
    )
    assert put.json() == [{"category": None, "min_margin_percent": "50.00"}]
    refused = owner.patch(f"products/{product.slug}", {"variants": [{"sku": "P-1", "price": "25.00"}]})
    assert (refused.status_code, refused.json()["code"], refused.json()["floor"]) == (422, "below_floor", "30.00")
    ok = owner.patch(
        f"products/{product.slug}",
        {
            "variants": [{"sku": "P-1", "price": "25.00", "override_floor": True, "sale_price": "24.00"}],
            "reason": "清仓",
        },
    )
    assert ok.status_code == 200
    variant = ok.json()["variants"][0]
    assert (variant["price"], variant["sale_price"]) == ("25.00", "24.00")
    history = owner.get(f"products/{product.slug}/price-history").json()
    assert sorted((h["kind"], h["new_amount"], h["below_floor"]) for h in history) == [
        ("price", "25.00", True),
        ("sale_price", "24.00", True),
    ]
    assert AuditEntry.objects.filter(action="price.floor_overridden", reason="清仓").exists()


def test_bulk_preview_and_apply_through_the_api(staff_api):
    make_product(skus=["A-1"], price="100.00", status=Product.Status.DRAFT)
    operator = staff_api("operator")
    body = {"action": "change_price", "mode": "amount", "value": "-20", "status": "draft"}
    preview = operator.post("product-bulk-actions/preview", body).json()
    assert [(r["sku"], r["old"], r["new"]) for r in preview["rows"]] == [("A-1", "100.00", "80.00")]
    assert operator.post("product-bulk-actions", {**body, "preview_token": preview["token"]}).json() == {
        "changed_products": 1
    }
    assert Variant.objects.get(sku="A-1").price == Decimal("80.00")
    assert staff_api("designer").post("product-bulk-actions", body).status_code == 403


def test_catalog_audit_and_banned_words(staff_api):
    make_product(name="顶级特供茶", skus=["T-1"])
    operator = staff_api("operator", language="en")
    owner = staff_api("owner", language="en")
    assert owner.post("banned-words", {"word": "特供", "reason": "misleading"}).status_code == 201
    [row] = operator.get("catalog-audit").json()
    words = {(f["word"], f["source"]) for f in row["banned_words"]}
    assert {("顶级", "law"), ("特供", "shop")} <= words
    assert "meta_missing" in {i["code"] for i in row["seo_issues"]}
    assert owner.delete("banned-words/特供").status_code == 204
    assert operator.get("banned-words").json() == []


@pytest.mark.parametrize("role", ["designer", "operator", "marketing", "agent", "warehouse", "finance"])
def test_only_the_owner_keeps_the_banned_words(staff_api, role):
    from dianpu.catalog.models import BannedWord

    staff_api("owner").post("banned-words", {"word": "特供", "reason": "misleading"})
    other = staff_api(role)
    added = other.post("banned-words", {"word": "最佳", "reason": ""})
    removed = other.delete("banned-words/特供")
    assert (added.status_code, added.json()["code"]) == (403, "forbidden")
    assert (removed.status_code, removed.json()["code"]) == (403, "forbidden")
    assert list(BannedWord.objects.values_list("word", flat=True)) == ["特供"]


def test_schedule_through_patch(staff_api):
    product = make_product(status=Product.Status.DRAFT)
    response = staff_api("operator").patch(
        f"products/{product.slug}", {"scheduled_list_at": "2030-01-01T08:00:00+08:00"}
    )
    assert response.status_code == 200
    assert response.json()["scheduled_list_at"].startswith("2030-01-01T00:00:00")
    assert staff_api("designer").patch(f"products/{product.slug}", {"scheduled_list_at": None}).status_code == 403


def test_brands_are_listed_added_and_renamed_with_their_products(staff_api):
    make_product(brand="棉麻社", skus=["B-1"])
    make_product(brand="棉麻社", skus=["B-2"])
    operator = staff_api("operator")
    created = operator.post("brands", {"name": "棉麻社", "name_en": "Linen House"})
    assert created.status_code == 201
    assert created.json() == {"slug": "linen-house", "name": "棉麻社", "name_en": "Linen House", "product_count": 2}
    assert operator.post("brands", {"name": "棉麻社"}).json()["code"] == "brand_taken"
    renamed = operator.patch("brands/linen-house", {"name": "棉麻工坊"})
    assert renamed.json()["product_count"] == 2
    assert set(Product.objects.values_list("brand", flat=True)) == {"棉麻工坊"}
    assert staff_api("marketing").post("brands", {"name": "X"}).status_code == 403


def test_attributes_are_set_through_patch_and_exported(staff_api):
    product = make_product(skus=["AT-1"])
    response = staff_api("operator").patch(f"products/{product.slug}", {"attributes": {"材质": "棉", "产地": "新疆"}})
    assert response.json()["attributes"] == {"材质": "棉", "产地": "新疆"}
    from dianpu.catalog.exports import export_products

    exported = export_products("native", "csv").decode("utf-8-sig")  # PostgreSQL's jsonb keeps no key order
    assert "材质:棉; 产地:新疆" in exported or "产地:新疆; 材质:棉" in exported


def test_staff_product_detail_names_banned_words_before_listing(staff_api):
    product = make_product(name="万能清洁剂", status=Product.Status.DRAFT, skus=["W-1"])
    detail = staff_api("operator", language="en").get(f"products/{product.slug}").json()
    assert [(f["word"], f["field"], f["source"]) for f in detail["banned_words"]] == [("万能", "name", "law")]
    assert detail["banned_words"][0]["reason"].startswith("'all-purpose")
