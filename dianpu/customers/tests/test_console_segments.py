"""Console: rule segments defined on the segments page (owner, marketing), counts and revenue,
the segment's customers exported (CSV/XLSX, cells neutralised, contact masked by role), and the
outreach page's sent / delivered / opened / clicked figures."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dianpu.customers.models import Customer, OutreachMessage, Segment
from dianpu.customers.outreach import schedule_outreach, send_due_outreach

from .builders import make_account

pytestmark = pytest.mark.django_db


def as_role(client, staff, role):
    client.force_login(staff(role))
    return client


def test_marketing_defines_a_rule_segment_and_exports_its_customers(client, staff):
    tagged = make_account("vip@example.com", name='=HYPERLINK("http://x")')
    Customer.objects.filter(pk=tagged.pk).update(tags=["vip"], phone="+8613900139000")
    make_account("plain@example.com")
    c = as_role(client, staff, "marketing")
    bad = c.post("/console/customers/segments/", {"code": "VIP!", "name": "", "min_spend": "abc"})
    assert bad.status_code == 422 and not Segment.objects.exists()
    saved = c.post("/console/customers/segments/", {"code": "vip", "name": "VIP 客户", "tags": "vip，gold"})
    assert saved.status_code == 302
    assert Segment.objects.get().conditions == {"tags": ["vip", "gold"]}
    from dianpu.customers.services import refresh_segments

    refresh_segments()  # (after commit in real life)
    page = c.get("/console/customers/segments/").content.decode()
    assert "VIP 客户" in page and 'href="/console/customers/?segment=vip&amp;export=csv"' in page
    response = c.get("/console/customers/", {"segment": "vip", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][2] == "vip@example.com"
    assert rows[1][1].startswith("'=")  # a formula-looking name is written as text
    assert rows[1][3] == "'+86139****9000"  # masked for marketing (and, starting with +, written as text)
    xlsx = c.get("/console/customers/", {"segment": "vip", "export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    client.logout()
    agent = as_role(client, staff, "agent")
    assert agent.get("/console/customers/", {"segment": "vip", "export": "csv"}).status_code == 403
    assert agent.post("/console/customers/segments/", {"code": "x", "name": "x", "min_orders": "1"}).status_code == 403


def test_a_rule_that_matches_nobody_is_fine_and_shows_zero(client, staff):
    make_account("a@example.com")
    c = as_role(client, staff, "owner")
    c.post("/console/customers/segments/", {"code": "whales", "name": "大客户", "min_spend": "1000000"})
    from dianpu.customers.queries import list_segment_figures

    assert next(s for s in list_segment_figures() if s["code"] == "whales")["customers"] == 0


def test_the_outreach_page_shows_opens_and_clicks(client, staff):
    for email in ("a@example.com", "b@example.com"):
        Customer.objects.filter(pk=make_account(email).pk).update(consent_email=True)
    noon = datetime(2026, 12, 7, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    schedule_outreach(name="双十二预告", channel="email", subject="s", body="b", scheduled_at=noon)
    send_due_outreach(noon)
    OutreachMessage.objects.filter(customer__email="a@example.com").update(opened_at=noon, clicked_at=noon)
    page = as_role(client, staff, "marketing").get("/console/customers/outreach/").content.decode()
    assert "双十二预告" in page and "(50%)" in page
    client.logout()
    assert as_role(client, staff, "agent").get("/console/customers/outreach/").status_code == 403


def test_marketing_keeps_the_points_exchange_list(client, staff):
    from dianpu.customers.models import PointsOffer

    c = as_role(client, staff, "marketing")
    bad = c.post("/console/customers/points-offers/", {"name": "", "points": "-5", "coupon_amount": "0"})
    assert bad.status_code == 422 and not PointsOffer.objects.exists()
    assert (
        c.post(
            "/console/customers/points-offers/",
            {"name": "10 元券", "points": "1000", "coupon_amount": "10", "coupon_min_spend": "99", "valid_days": "30"},
        ).status_code
        == 302
    )
    offer = PointsOffer.objects.get()
    assert (offer.points, offer.coupon_amount, offer.is_active) == (1000, 10, True)
    assert "10 元券" in c.get("/console/customers/points-offers/").content.decode()
    c.post("/console/customers/points-offers/", {"action": "withdraw", "offer": offer.pk})
    assert PointsOffer.objects.get().is_active is False
    client.logout()
    assert as_role(client, staff, "operator").get("/console/customers/points-offers/").status_code == 403


def test_the_owner_sets_a_tier_s_birthday_coupon(client, staff):
    from dianpu.customers.models import MembershipTier

    c = as_role(client, staff, "owner")
    c.post("/console/customers/points-offers/", {"action": "tier", "tier": "gold", "amount": "abc"})
    assert MembershipTier.objects.get(code="gold").birthday_coupon_amount == 30  # refused: unchanged
    c.post("/console/customers/points-offers/", {"action": "tier", "tier": "gold", "amount": "40", "min_spend": "200"})
    gold = MembershipTier.objects.get(code="gold")
    assert (gold.birthday_coupon_amount, gold.birthday_coupon_min_spend) == (40, 200)
