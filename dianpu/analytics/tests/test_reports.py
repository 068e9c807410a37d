"""Operating reports: written once per period as XLSX and PDF, e-mailed to the roles that want them, kept."""

import io
from datetime import date

import pytest
from django.core import mail
from openpyxl import load_workbook

from dianpu.analytics import reports
from dianpu.analytics.models import Report
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db


def test_periods_end_where_the_calendar_says():
    assert reports.last_complete_period("daily", date(2026, 3, 4)) == (date(2026, 3, 3), date(2026, 3, 3))
    assert reports.last_complete_period("weekly", date(2026, 3, 4)) == (date(2026, 2, 23), date(2026, 3, 1))
    assert reports.last_complete_period("monthly", date(2026, 3, 4)) == (date(2026, 2, 1), date(2026, 2, 28))


def test_reports_are_written_once_emailed_and_kept(at, staff, django_capture_on_commit_callbacks):
    owner, finance, agent = staff("owner"), staff("finance"), staff("agent")
    for user, address in ((owner, "boss@example.com"), (finance, "money@example.com"), (agent, "help@example.com")):
        user.email = address
        user.save()
    make_product(name="纯棉T恤", price="120.00", stock=20, skus=["TEE-R"])
    at(2026, 3, 3, 15, 0)
    place_test_order({"TEE-R": 1})
    at(2026, 3, 4, 1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        made = reports.ensure_reports()
    assert sorted((r.period, r.date_from) for r in made) == [
        ("daily", date(2026, 3, 3)),
        ("monthly", date(2026, 2, 1)),
        ("weekly", date(2026, 2, 23)),
    ]
    daily = Report.objects.get(period="daily")
    assert daily.emailed_to == "boss@example.com"  # daily: owner and operator (the operator has no address)
    assert Report.objects.get(period="monthly").emailed_to == "boss@example.com, money@example.com"
    sheet = load_workbook(io.BytesIO(bytes(daily.xlsx)))["核心指标"]
    assert [c.value for c in sheet[2]][:2] == ["销售额", "120.00"]
    assert bytes(daily.pdf).startswith(b"%PDF")
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 3 and any("日报 2026-03-03" in s for s in subjects)
    daily_mail = next(m for m in mail.outbox if "日报" in m.subject)
    assert daily_mail.to == ["boss@example.com"]
    assert [a[0] for a in daily_mail.attachments] == ["report-daily-2026-03-03.xlsx", "report-daily-2026-03-03.pdf"]

    assert reports.ensure_reports() == []  # a second run writes and sends nothing
    assert Report.objects.count() == 3 and len(mail.outbox) == 3


def test_kept_reports_download_from_the_console(client, staff, at):
    at(2026, 3, 4, 1, 0)
    reports.generate_report("daily", date(2026, 3, 3), send=False)
    report = Report.objects.get()
    client.force_login(staff("owner"))
    assert "2026-03-03" in client.get("/console/analytics/reports/").content.decode()
    pdf = client.get(f"/console/analytics/reports/{report.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/console/analytics/reports/{report.pk}.doc").status_code == 404


def test_a_report_is_made_now_from_the_console_and_made_again_with_new_figures(client, staff, at):
    make_product(skus=["TEE-M"], price="59.00", stock=10)
    at(2026, 3, 4, 15, 0)
    client.force_login(staff("owner"))
    page = client.get("/console/analytics/reports/").content.decode()
    assert 'value="2026-03-03"' in page  # yesterday is proposed
    response = client.post("/console/analytics/reports/make/", {"kind": "weekly", "day": "2026-03-04"})
    assert response.status_code == 302
    report = Report.objects.get()  # the worker (immediate in tests) made this week's report so far
    assert (report.period, str(report.date_from), str(report.date_to)) == ("weekly", "2026-03-02", "2026-03-08")
    first = bytes(report.xlsx)

    place_test_order({"TEE-M": 2})
    client.post("/console/analytics/reports/make/", {"kind": "weekly", "day": "2026-03-04"})
    assert Report.objects.count() == 1
    assert bytes(Report.objects.get().xlsx) != first

    future = client.post("/console/analytics/reports/make/", {"kind": "daily", "day": "2026-03-05"}, follow=True)
    assert "不能为未来的日期生成报表。" in future.content.decode()
    assert Report.objects.count() == 1


def test_only_staff_who_see_analytics_make_reports(client, staff, at):
    at(2026, 3, 4, 15, 0)
    client.force_login(staff("warehouse"))
    assert client.post("/console/analytics/reports/make/", {"kind": "daily", "day": "2026-03-03"}).status_code == 403
    assert not Report.objects.exists()
