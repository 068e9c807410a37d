"""Finance console pages: who may open them, the overview's figures and chart data, entering an
expense, closing a month, a reconciliation upload, statements to XLSX and PDF."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dianpu.accounts.tests.builders import PASSWORD
from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.finance.models import Expense, JournalEntry, Period, Settlement

from .builders import paid_order
from .test_reconciliation import STRIPE_ITEMIZED

pytestmark = pytest.mark.django_db
PAGES = (
    "/console/finance/",
    "/console/finance/ledger/",
    "/console/finance/trial-balance/",
    "/console/finance/periods/",
    "/console/finance/expenses/",
    "/console/finance/budget/",
    "/console/finance/margins/",
    "/console/finance/reconciliation/",
)


def _client(staff, role):
    client = Client()
    assert client.login(username=staff(role).username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "role, status",
    [
        ("owner", 200),
        ("finance", 200),
        ("operator", 403),
        ("marketing", 403),
        ("warehouse", 403),
        ("agent", 403),
        ("designer", 403),
    ],
)
def test_who_may_open_the_pages(staff, role, status, at):
    at(2026, 3, 5, 10, 0)
    client = _client(staff, role)
    for url in PAGES:
        assert client.get(url).status_code == status, url


def test_overview_shows_the_period_and_the_chart_data_without_inline_script(staff, at):
    at(2026, 3, 5, 10, 0)
    make_product(price="120.00", stock=10, skus=["TEE"])
    paid_order({"TEE": 1})
    page = _client(staff, "finance").get("/console/finance/", {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    html = page.content.decode()
    assert re.search(r'id="net-sales">¥120\.00<', html)
    data = json.loads(re.search(r'<script id="finance-data" type="application/json">(.*?)</script>', html).group(1))
    assert data["labels"][-1] == "2026-03" and data["series"]["net_sales"][-1] == "120.00"
    assert "<script>" not in html


def test_expense_and_close_through_the_console(staff, at):
    at(2026, 4, 2, 10, 0)
    client = _client(staff, "finance")
    client.post(
        "/console/finance/expenses/", {"date": "2026-03-31", "category": "tools", "amount": "49.00", "note": "设计软件"}
    )
    assert Expense.objects.get().amount == Decimal("49.00")
    client.post("/console/finance/periods/", {"month": "2026-03"})
    assert Period.objects.get(month="2026-03").closed_at is not None
    page = client.post(
        "/console/finance/expenses/", {"date": "2026-03-30", "category": "tools", "amount": "1.00"}, follow=True
    )
    assert "2026-03 已结账" in page.content.decode()
    assert Expense.objects.count() == 1
    assert AuditEntry.objects.filter(action__in=["finance.expense_recorded", "finance.period_closed"]).count() == 2


def test_reconciliation_upload_then_detail(staff, at):
    at(2026, 3, 7, 10, 0)
    client = _client(staff, "owner")
    page = client.post(
        "/console/finance/reconciliation/",
        {"file": SimpleUploadedFile("itemized.csv", STRIPE_ITEMIZED.encode())},
        follow=True,
    )
    settlement = Settlement.objects.get()
    assert page.status_code == 200 and f"#{settlement.pk}" in page.content.decode()
    assert JournalEntry.objects.filter(source_kind="settlement_fee").count() == 3


def test_statements_export_to_xlsx_and_pdf(staff, at):
    from openpyxl import load_workbook

    at(2026, 3, 5, 10, 0)
    make_product(price="120.00", stock=10, skus=["TEE"])
    paid_order({"TEE": 1})
    client = _client(staff, "finance")
    xlsx = client.get("/console/finance/", {"date_from": "2026-03-01", "date_to": "2026-03-31", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["净销售额", 120, 0, 120] in values, values
    pdf = client.get("/console/finance/trial-balance/", {"date_to": "2026-03-31", "export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    budget = client.get("/console/finance/budget/", {"month": "2026-03", "export": "xlsx"})
    assert budget.status_code == 200 and budget.content.startswith(b"PK")
    margins = client.get("/console/finance/margins/", {"by": "channel", "export": "pdf"})
    assert margins.content.startswith(b"%PDF")


def test_tax_page_lists_invoice_requests_and_issues_one(staff, at):
    from dianpu.customers.tests.builders import make_account
    from dianpu.finance import tax

    at(2026, 3, 5, 10, 0)
    make_product(price="120.00", stock=10, skus=["TEE"])
    customer = make_account("mei@example.com")
    order = paid_order({"TEE": 1}, email="mei@example.com")
    request = tax.request_invoice(customer=customer, order_number=order.number, title="王美", email="mei@example.com")
    client = _client(staff, "finance")
    page = client.get("/console/finance/tax/").content.decode()
    assert order.number in page and 'id="tax-total"' in page
    client.post("/console/finance/tax/", {"request_id": request.pk, "action": "issue", "invoice_number": "N001"})
    request.refresh_from_db()
    assert (request.status, request.invoice_number) == ("issued", "N001")
    assert client.get("/console/finance/tax/", {"export": "xlsx"}).content.startswith(b"PK")
