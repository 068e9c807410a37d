"""Console pages of the product desk: import/export, bulk actions, SEO audit, price rules, prices."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dianpu.audit.models import AuditEntry
from dianpu.catalog.models import BannedWord, ImportJob, MarginRule, PriceHistory, Product, Variant
from dianpu.catalog.tests.builders import make_product
from dianpu.catalog.tests.test_imports import TEE_ROWS, native_csv

pytestmark = pytest.mark.django_db


def test_operator_uploads_a_file_and_the_worker_imports_it_with_progress(
    client, staff, django_capture_on_commit_callbacks
):
    client.force_login(staff("operator"))
    upload = SimpleUploadedFile("products.csv", native_csv(TEE_ROWS), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/console/catalog/products/import/", {"file": upload, "file_format": "auto"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/catalog/products/import/{job.pk}/"
    assert (job.state, job.processed_rows, job.total_rows, job.summary["variants_created"]) == ("done", 3, 3, 3)
    assert Variant.objects.count() == 3
    page = client.get(f"/console/catalog/products/import/{job.pk}/", HTTP_HX_REQUEST="true")
    assert "已完成" in page.content.decode() and "hx-trigger" not in page.content.decode()


def test_a_refused_file_shows_its_errors_and_offers_the_report(client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff("operator"))
    rows = [list(r) for r in TEE_ROWS]
    rows[1][8] = "abc"
    upload = SimpleUploadedFile("bad.csv", native_csv(rows), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/console/catalog/products/import/", {"file": upload, "file_format": "native"})
    job = ImportJob.objects.get()
    assert job.state == "refused" and Product.objects.count() == 0
    page = client.get(f"/console/catalog/products/import/{job.pk}/").content.decode()
    assert "价格不是数字" in page
    report = client.get(f"/console/catalog/products/import/{job.pk}/errors.csv")
    assert report["Content-Type"].startswith("text/csv")
    assert "3,price,价格不是数字,abc" in report.content.decode("utf-8-sig")


def test_a_designer_may_not_import(client, staff):
    client.force_login(staff("designer"))
    assert client.get("/console/catalog/products/import/").status_code == 403


def test_export_downloads_a_shopify_csv(client, staff):
    make_product(name="纯棉T恤", skus=["T-1"], price="59.00")
    client.force_login(staff("marketing"))
    response = client.get("/console/catalog/products/export/", {"file_format": "shopify", "kind": "csv"})
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("Handle,Title,Body (HTML)") and ",T-1," in body


def test_bulk_price_change_preview_then_apply(client, staff):
    make_product(skus=["A-1"], price="100.00", cost_price="10.00")
    client.force_login(staff("operator"))
    data = {"action": "change_price", "price_kind": "price", "mode": "percent", "value": "-10", "reason": "促销"}
    preview = client.post("/console/catalog/products/bulk/", {**data, "preview": "1"})
    assert "100.00" in preview.content.decode() and "90.00" in preview.content.decode()
    assert Variant.objects.get(sku="A-1").price == Decimal("100.00")
    applied = client.post("/console/catalog/products/bulk/", {**data, "apply": "1"})
    assert applied.status_code == 302
    assert Variant.objects.get(sku="A-1").price == Decimal("90.00")


def test_bulk_price_change_needs_the_price_permission(client, staff):
    make_product(skus=["A-1"], price="100.00")
    client.force_login(staff("designer"))
    response = client.post(
        "/console/catalog/products/bulk/", {"action": "change_price", "mode": "amount", "value": "1", "apply": "1"}
    )
    assert response.status_code == 403
    assert Variant.objects.get(sku="A-1").price == Decimal("100.00")


def test_seo_audit_page_lists_banned_words_and_issues(client, staff):
    make_product(name="全网第一好茶", skus=["TEA-1"])
    client.force_login(staff("owner"))
    client.post("/console/catalog/products/audit/banned-words/", {"word": "特供", "reason": "虚假宣传"})
    assert BannedWord.objects.get().word == "特供"
    page = client.get("/console/catalog/products/audit/").content.decode()
    assert "第一" in page and "缺少 SEO 描述" in page and "特供" in page


def test_the_designer_cannot_add_or_remove_banned_words(client, staff):
    BannedWord.objects.create(word="特供")
    client.force_login(staff("designer"))
    added = client.post("/console/catalog/products/audit/banned-words/", {"word": "最佳", "reason": ""})
    removed = client.post("/console/catalog/products/audit/banned-words/remove/", {"word": "特供"})
    assert (added.status_code, removed.status_code) == (403, 403)
    assert list(BannedWord.objects.values_list("word", flat=True)) == ["特供"]


def test_price_rule_and_price_override_from_the_prices_page(client, staff):
    product = make_product(skus=["P-1"], price="59.00", cost_price="20.00")
    client.force_login(staff("operator"))
    client.post("/console/catalog/products/price-rules/", {"category": "", "min_margin_percent": "50"})
    assert MarginRule.objects.get().min_margin_percent == Decimal("50.00")
    url = f"/console/catalog/products/{product.slug}/prices/save/"
    client.post(url, {"version": product.version, "price-P-1": "25.00", "sale_price-P-1": "", "member_price-P-1": ""})
    assert Variant.objects.get(sku="P-1").price == Decimal("59.00")
    client.post(
        url,
        {
            "version": product.version,
            "price-P-1": "25.00",
            "sale_price-P-1": "",
            "member_price-P-1": "",
            "override_floor": "on",
            "reason": "清仓",
        },
    )
    assert Variant.objects.get(sku="P-1").price == Decimal("25.00")
    assert AuditEntry.objects.filter(action="price.floor_overridden").count() == 1
    page = client.get(f"/console/catalog/products/{product.slug}/prices/").content.decode()
    assert "清仓" in page and PriceHistory.objects.count() == 1


def test_duplicate_from_the_console(client, staff):
    product = make_product(skus=["D-1"])
    client.force_login(staff("operator"))
    response = client.post(f"/console/catalog/products/{product.slug}/duplicate/")
    assert response.status_code == 302
    assert Variant.objects.filter(sku="D-1-COPY", product__status="draft").exists()


def test_brands_page_adds_and_renames(client, staff):
    make_product(brand="棉麻社", skus=["B-1"])
    client.force_login(staff("operator"))
    client.post("/console/catalog/products/brands/", {"name": "棉麻社", "name_en": "Linen House"})
    page = client.get("/console/catalog/products/brands/").content.decode()
    assert "Linen House" in page
    client.post(
        "/console/catalog/products/brands/", {"slug": "linen-house", "name": "棉麻工坊", "name_en": "Linen House"}
    )
    assert Product.objects.get().brand == "棉麻工坊"


def test_attributes_from_the_prices_page(client, staff):
    product = make_product(skus=["AT-1"])
    client.force_login(staff("designer"))
    client.post(
        f"/console/catalog/products/{product.slug}/attributes/",
        {"attributes": "材质: 棉\n产地: 新疆", "version": product.version},
    )
    assert Product.objects.get().attributes == {"材质": "棉", "产地": "新疆"}
    page = client.get(f"/console/catalog/products/{product.slug}/prices/").content.decode()
    assert "产地: 新疆" in page


def test_the_edit_page_flags_banned_words_before_listing(client, staff):
    product = make_product(name="万能清洁剂", status=Product.Status.DRAFT, skus=["W-1"])
    client.force_login(staff("operator"))
    page = client.get(f"/console/catalog/products/{product.slug}/").content.decode()
    assert "上架前请修改以下违禁词" in page and "万能" in page


def test_an_uploaded_product_file_is_not_served_as_media(client, staff, settings, django_capture_on_commit_callbacks):
    client.force_login(staff("operator"))
    upload = SimpleUploadedFile("products.csv", native_csv(TEE_ROWS), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/console/catalog/products/import/", {"file": upload, "file_format": "auto"})
    job = ImportJob.objects.get()
    from pathlib import Path

    assert not Path(job.file.path).is_relative_to(Path(settings.MEDIA_ROOT))
    assert client.get(f"/media/{job.file.name}").status_code == 404


def test_a_running_import_page_polls_and_shows_its_progress(client, staff):
    from dianpu.catalog.imports import create_import_job

    client.force_login(staff("operator"))
    job = create_import_job(actor=None, filename="p.csv", data=native_csv(TEE_ROWS))
    ImportJob.objects.filter(pk=job.pk).update(
        state="running", processed_rows=2, total_rows=4, summary={"phase": "check"}
    )
    page = client.get(f"/console/catalog/products/import/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in page and 'value="50"' in page and "已处理 2 / 4 行" in page
    assert "正在检查各行" in page


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/console/catalog/products/import/", "Import and export products"),
        ("/console/catalog/products/bulk/", "Bulk actions"),
        ("/console/catalog/products/audit/", "SEO and compliance"),
        ("/console/catalog/products/price-rules/", "Floor rules"),
        ("/console/catalog/products/brands/", "Brands"),
    ],
)
def test_the_product_desk_pages_speak_english(client, staff, path, heading):
    make_product(name="全网第一好茶", skus=["EN-1"])
    client.force_login(staff("operator"))
    client.cookies["dianpu_language"] = "en"
    response = client.get(path)
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_the_prices_page_speaks_english(client, staff):
    product = make_product(name="全网第一好茶", skus=["EN-1"])
    client.force_login(staff("operator"))
    client.cookies["dianpu_language"] = "en"
    page = client.get(f"/console/catalog/products/{product.slug}/prices/").content.decode()
    assert "Price history" in page and "ranking claims are absolute terms" in page


def test_the_edit_form_can_override_the_floor_with_a_reason(client, staff):
    from dianpu.catalog.services import set_margin_rule
    from dianpu.catalog.tests.test_console import edit_page_post

    set_margin_rule(actor=None, category=None, min_margin_percent="50")
    product = make_product(skus=["F-1"], price="59.00", cost_price="20.00")
    client.force_login(staff("operator"))
    data = edit_page_post(client, product)
    data.update({"variants-0-price": "25.00"})
    refused = client.post(f"/console/catalog/products/{product.slug}/", data)
    assert refused.status_code == 422 and Variant.objects.get(sku="F-1").price == Decimal("59.00")
    data.update({"override_floor": "on", "reason": "清仓"})
    client.post(f"/console/catalog/products/{product.slug}/", data)
    assert Variant.objects.get(sku="F-1").price == Decimal("25.00")
    assert AuditEntry.objects.filter(action="price.floor_overridden", reason="清仓").exists()


def test_the_product_form_offers_the_brands_and_the_list_shows_schedules(client, staff):
    from datetime import timedelta

    from dianpu.catalog.services import create_brand, update_product
    from dianpu.core import clock

    create_brand(actor=None, name="棉麻社")
    product = make_product(status=Product.Status.DRAFT, skus=["S-1"])
    update_product(actor=None, product=product, changes={"scheduled_list_at": clock.now() + timedelta(days=1)})
    client.force_login(staff("operator"))
    assert '<option value="棉麻社">' in client.get("/console/catalog/products/new/").content.decode()
    assert "定时上架" in client.get("/console/catalog/products/").content.decode()


def test_an_operator_adds_and_removes_search_synonyms(client, staff):
    from dianpu.catalog.models import SearchSynonym
    from dianpu.catalog.queries import list_listed_products

    make_product(name="智能手机 X1", skus=["PHONE-1"])
    client.force_login(staff("operator"))
    client.post("/console/catalog/products/search-synonyms/", {"words": "手机，电话"})
    assert list(SearchSynonym.objects.values_list("words", flat=True)) == ["手机, 电话"]
    assert [p.name for p in list_listed_products(search="电话")] == ["智能手机 X1"]
    page = client.post("/console/catalog/products/search-synonyms/", {"words": "电话"}).content.decode()
    assert "请填写至少两个词" in page and SearchSynonym.objects.count() == 1
    client.post("/console/catalog/products/search-synonyms/", {"remove": SearchSynonym.objects.get().pk})
    assert SearchSynonym.objects.count() == 0
    assert list_listed_products(search="电话").count() == 0


def test_an_agent_sees_the_synonyms_but_cannot_change_them(client, staff):
    from dianpu.catalog.models import SearchSynonym

    SearchSynonym.objects.create(words="tee, t-shirt")
    client.force_login(staff("agent"))
    assert "tee, t-shirt" in client.get("/console/catalog/products/search-synonyms/").content.decode()
    assert client.post("/console/catalog/products/search-synonyms/", {"words": "a, b"}).status_code == 403
    assert list(SearchSynonym.objects.values_list("words", flat=True)) == ["tee, t-shirt"]
