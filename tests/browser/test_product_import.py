"""Product import with progress: an operator uploads a CSV in the console, watches the progress
indicator while the worker imports it, and sees the result; a file with a bad row shows the
line/column/reason report and imports nothing."""

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.catalog import tasks
from dianpu.catalog.console import transfer
from dianpu.catalog.models import ImportJob, Product, Variant
from dianpu.catalog.tests.test_imports import TEE_ROWS, native_csv, stock_of

from .conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def queued(monkeypatch):
    """Uploads queue their job here instead of running it at once (the test suite's huey is
    immediate): the test plays the worker, so the page is seen before, during and after."""
    jobs: list[int] = []
    monkeypatch.setattr(transfer, "_schedule", jobs.append)
    return jobs


def _upload(page, base, name: str, data: bytes) -> None:
    page.goto(f"{base}/console/catalog/products/import/")
    page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url("**/console/catalog/products/import/*/")


def test_upload_shows_progress_then_the_result(page, live_server, queued):
    base = live_server.url
    make_staff("operator")
    console_login(page, base, "operator", then="/console/catalog/products/import/")

    _upload(page, base, "夏季新品.csv", native_csv(TEE_ROWS))
    (job_id,) = queued
    progress = page.locator("#import-progress")
    assert "排队中" in progress.inner_text()
    assert page.get_attribute("#import-progress progress", "value") == "0"
    assert progress.get_attribute("hx-trigger") == "every 1s"  # the page keeps asking

    tasks.run_import_job.call_local(job_id)  # what the worker does with the queued job

    # The page updates itself (htmx polling) to the finished state, with no reload.
    page.wait_for_selector("#import-progress:not([hx-trigger]) >> text=已完成")
    assert page.get_attribute("#import-progress progress", "value") == "100"
    text = page.inner_text("#import-progress")
    assert "已处理 3 / 3 行" in text
    summary = dict(
        zip(
            page.locator("#import-progress dt").all_inner_texts(),
            page.locator("#import-progress dd").all_inner_texts(),
            strict=True,
        )
    )
    assert (summary["新建商品"], summary["新建 SKU"], summary["跳过的行"]) == ("2", "3", "0")

    assert sorted(Variant.objects.values_list("sku", flat=True)) == ["SCARF-1", "TEE-M", "TEE-S"]
    assert Product.objects.get(slug="cotton-tee").name == "纯棉T恤"
    assert (stock_of("TEE-S"), stock_of("TEE-M")) == (10, 5)
    assert ImportJob.objects.get(pk=job_id).state == "done"


def test_a_bad_row_is_reported_and_nothing_is_imported(page, live_server, queued):
    base = live_server.url
    make_staff("operator")
    console_login(page, base, "operator", then="/console/catalog/products/import/")
    rows = [list(r) for r in TEE_ROWS]
    rows[1][8] = "abc"  # the price of the second data row (line 3 of the file)

    _upload(page, base, "bad.csv", native_csv(rows))
    tasks.run_import_job.call_local(queued[0])

    page.wait_for_selector("#import-progress:not([hx-trigger]) >> text=已拒绝")
    assert "文件中有 1 处错误，整个文件未导入。" in page.inner_text("#import-progress")
    cells = page.locator("#import-progress tbody tr").first.locator("td").all_inner_texts()
    assert cells == ["3", "price", "价格不是数字", "abc"]
    assert page.locator("a[href$='/errors.csv']").count() == 1

    assert (Product.objects.count(), Variant.objects.count()) == (0, 0)
    assert ImportJob.objects.get().state == "refused"
