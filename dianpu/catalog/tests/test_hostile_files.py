"""Files built to exhaust memory are refused before they are read: quickly, in little memory, with
the limit named in the user's language; a running import can be cancelled."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dianpu.accounts.tests.builders import make_staff, token_for
from dianpu.catalog import imports
from dianpu.catalog.models import ImportJob, Product
from dianpu.catalog.spreadsheets import write_csv
from dianpu.core.errors import DomainError
from dianpu.core.uploads import UploadLimits, UploadRefused, check_spreadsheet

pytestmark = pytest.mark.django_db

NATIVE_HEADER = ["handle", "name", "sku", "price"]

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
)
WORKBOOK = (
    b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def hostile_xlsx(*, rows: int = 0, dimension: bool = True, huge_cell: int = 0) -> bytes:
    """An XLSX (a zip) whose sheet unpacks to `rows` rows, or whose one cell holds `huge_cell`
    characters, written in chunks so the test itself stays small."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD)
            if dimension:
                sheet.write(b'<dimension ref="A1:D%d"/>' % max(rows, 2))
            sheet.write(
                b'<sheetData><row r="1"><c t="inlineStr"><is><t>handle</t></is></c><c t="inlineStr"><is><t>'
                b'name</t></is></c><c t="inlineStr"><is><t>sku</t></is></c><c t="inlineStr"><is><t>price</t>'
                b"</is></c></row>"
            )
            if huge_cell:
                sheet.write(b'<row r="2"><c t="inlineStr"><is><t>')
                chunk = b"A" * (1 << 20)
                for _ in range(huge_cell // len(chunk)):
                    sheet.write(chunk)
                sheet.write(b"</t></is></c></row>")
            row = (
                b'<row><c t="inlineStr"><is><t>h</t></is></c><c t="inlineStr"><is><t>n</t></is></c>'
                b'<c t="inlineStr"><is><t>S</t></is></c><c><v>1</v></c></row>'
            )
            block = row * 10_000
            for _ in range(rows // 10_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def refused_quickly_in_little_memory(data: bytes, filename: str = "bomb.xlsx") -> UploadRefused:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UploadRefused) as refused:
            imports.import_products(data=data, filename=filename)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 1.0, elapsed
    assert peak < 4 * 1024 * 1024, peak
    assert Product.objects.count() == 0
    return refused.value


@pytest.fixture(scope="module")
def three_million_rows():
    return hostile_xlsx(rows=3_000_000)


def test_an_xlsx_of_three_million_rows_is_refused_within_a_second_and_a_few_mb(three_million_rows):
    assert len(three_million_rows) < 2 * 1024 * 1024  # what is uploaded is small …
    declared = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(three_million_rows)).infolist())
    assert declared > 400 * 1024 * 1024  # … what it unpacks to is not
    error = refused_quickly_in_little_memory(three_million_rows)
    assert error.code == "upload_too_many_rows"
    assert error.extra["limit"] == 300_000
    assert str(error.detail) == "文件行数超过上限 300000 行：请拆分成几个文件。"


def test_rows_without_a_declared_dimension_are_refused_by_their_compression_ratio():
    error = refused_quickly_in_little_memory(hostile_xlsx(rows=500_000, dimension=False))
    assert error.code == "upload_compression_suspicious"
    assert error.extra["limit"] == 100
    assert error.extra["ratio"] > 100


def test_one_huge_cell_is_refused_within_a_second_and_a_few_mb():
    bomb = hostile_xlsx(huge_cell=64 * 1024 * 1024)
    assert len(bomb) < 256 * 1024
    error = refused_quickly_in_little_memory(bomb)
    assert error.code == "upload_compression_suspicious"
    with pytest.raises(UploadRefused) as refused:  # and what unpacks beyond the limit, whatever its ratio
        check_spreadsheet(bomb, UploadLimits(max_unpacked_bytes=32 * 1024 * 1024))
    assert refused.value.code == "upload_unpacked_too_large"
    with translation.override("en"):
        english = UploadRefused("upload_unpacked_too_large", size=400 * 1024 * 1024 + 500, limit=300 * 1024 * 1024)
    assert (
        str(english.detail)
        == "The XLSX file unpacks to too much (400 MB): at most 300 MB. Split it into several files."
    )


@pytest.mark.long
def test_a_csv_with_too_many_rows_is_refused_as_it_streams():
    rows = [[f"p{i}", "n", f"S-{i}", "1"] for i in range(300_001)]
    data = write_csv(NATIVE_HEADER, rows, bom=False)
    tracemalloc.start()
    try:
        with pytest.raises(UploadRefused) as refused:
            imports.read_product_file(data, "big.csv")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "upload_too_many_rows"
    # The file is never held as rows: memory grows with the parsed SKUs only, not twice over.
    assert peak < 400 * 1024 * 1024


@pytest.mark.parametrize(
    "data, filename, code, limit",
    [
        (
            write_csv(NATIVE_HEADER, [["p", "x" * 200_000, "S-1", "1"]], bom=False),
            "cell.csv",
            "upload_cell_too_long",
            100_000,
        ),
        (
            write_csv([*NATIVE_HEADER, *[f"c{i}" for i in range(300)]], [["p", "n", "S-1", "1"]], bom=False),
            "wide.csv",
            "upload_too_many_columns",
            200,
        ),
    ],
)
def test_a_cell_too_long_or_too_many_columns_is_refused_naming_the_limit(data, filename, code, limit):
    with pytest.raises(UploadRefused) as refused:
        imports.import_products(data=data, filename=filename)
    assert (refused.value.code, refused.value.extra["limit"]) == (code, limit)
    assert Product.objects.count() == 0


def test_limits_can_be_tightened_and_the_refusal_names_them():
    data = hostile_xlsx(rows=20_000, dimension=True)
    with pytest.raises(UploadRefused) as refused:
        check_spreadsheet(data, UploadLimits(max_rows=10_000))
    assert refused.value.code == "upload_too_many_rows"
    with pytest.raises(UploadRefused) as refused:
        check_spreadsheet(data, UploadLimits(max_bytes=1000))
    assert (refused.value.code, refused.value.status, refused.value.extra["limit"]) == ("upload_too_large", 413, 1000)
    assert str(refused.value.detail).endswith("上传文件最大 1000 B。")


def test_the_console_refuses_a_bomb_at_upload_and_queues_nothing(admin_client, three_million_rows):
    response = admin_client.post(
        reverse("console:catalog:import"),
        {"file": SimpleUploadedFile("bomb.xlsx", three_million_rows), "file_format": "auto"},
    )
    assert response.status_code == 422
    assert "文件行数超过上限 300000 行" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_the_import_form_refuses_a_file_over_the_size_limit_before_reading_it():
    from dianpu.catalog.console.transfer import ImportForm

    upload = SimpleUploadedFile("big.csv", b"handle,sku,price\n")
    upload.size = 101 * 1024 * 1024  # what Django knows before anything is read
    with translation.override("en"):
        form = ImportForm(data={"file_format": "auto"}, files={"file": upload})
        assert not form.is_valid()
        assert form.errors["file"] == ["The file is too large (101 MB): uploads are limited to 100 MB."]


def operator_headers(language: str = "zh-hans") -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(make_staff('operator'))}", "HTTP_ACCEPT_LANGUAGE": language}


def test_the_api_refuses_a_bomb_with_its_code_and_limit(three_million_rows):
    response = Client().post(
        "/api/v1/product-imports", {"file": SimpleUploadedFile("bomb.xlsx", three_million_rows)}, **operator_headers()
    )
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["limit"]) == ("upload_too_many_rows", 300_000)
    assert ImportJob.objects.count() == 0


# --- cancelling ----------------------------------------------------------------------------------


def queued_job(admin_user) -> ImportJob:
    data = write_csv(NATIVE_HEADER, [["tea", "龙井", "TEA-1", "88"]], bom=False)
    return imports.create_import_job(actor=admin_user, filename="p.csv", data=data)


def test_a_queued_import_cancelled_in_the_console_never_runs(admin_client, admin_user):
    job = queued_job(admin_user)
    response = admin_client.post(reverse("console:catalog:import-cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == ImportJob.State.CANCELLED
    imports.run_import_job(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.CANCELLED and Product.objects.count() == 0


def test_a_running_import_stops_at_its_next_progress_report_and_writes_nothing(admin_user):
    rows = [[f"p{i}", f"商品{i}", f"S-{i}", "10"] for i in range(5000)]
    job = imports.create_import_job(actor=admin_user, filename="p.csv", data=write_csv(NATIVE_HEADER, rows, bom=False))
    original = imports._is_cancelled
    calls = []

    def cancelled_after_the_first_report(job_id):
        calls.append(job_id)
        if len(calls) == 2:  # someone presses "cancel" while the file is being read
            imports.cancel_import_job(job=ImportJob.objects.get(pk=job_id), actor=admin_user)
        return original(job_id)

    imports._is_cancelled = cancelled_after_the_first_report
    try:
        imports.run_import_job(job.pk)
    finally:
        imports._is_cancelled = original
    job.refresh_from_db()
    assert job.state == ImportJob.State.CANCELLED
    assert Product.objects.count() == 0


def test_a_finished_import_cannot_be_cancelled_over_the_api(admin_user):
    job = queued_job(admin_user)
    imports.run_import_job(job.pk)
    response = Client().post(f"/api/v1/product-imports/{job.pk}/cancel", **operator_headers())
    assert response.status_code == 409
    assert response.json()["code"] == "job_finished"
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and Product.objects.count() == 1


def test_a_queued_import_can_be_cancelled_over_the_api(admin_user):
    job = queued_job(admin_user)
    response = Client().post(f"/api/v1/product-imports/{job.pk}/cancel", **operator_headers())
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"


def test_domain_error_is_the_base():
    assert issubclass(UploadRefused, DomainError)
