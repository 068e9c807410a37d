"""The owner or the operations lead edits a role's checklist template on the console (items, their
order, on/off); the change is audited, today's checklists stay as made, tomorrow's follow it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from dianpu.audit.models import AuditEntry
from dianpu.core import clock
from dianpu.teamwork import services
from dianpu.teamwork.models import Routine, RoutineTemplate

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def morning(settings):
    settings.TIME_ZONE = "Asia/Shanghai"

    def pin(day):
        clock.freeze(datetime(2026, 12, day, 6, 30, tzinfo=SHANGHAI))

    yield pin
    clock.freeze(None)


def page_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def texts(routine) -> list[str]:
    return list(routine.items.values_list("text", flat=True))


def test_an_edit_reorders_and_changes_tomorrows_checklist_and_leaves_todays(staff, morning):
    owner, operator = staff("owner"), staff("operator")
    morning(7)
    services.generate_routines()
    template = RoutineTemplate.objects.get(role="operator")
    today_before = texts(Routine.objects.get(user=operator, template=template))
    client = page_as(owner)
    shown = client.get(f"/console/teamwork/templates/{template.pk}/").content.decode()
    assert "更新库存：核对低库存和在途采购" in shown
    response = client.post(
        f"/console/teamwork/templates/{template.pk}/",
        {
            "role": "operator",
            "title": "每日运营检查",
            "active": "on",
            "items": "活动准备：报名、价格、素材\n更新库存：核对低库存和在途采购\n\n查看直播间数据\n",
        },
    )
    assert response.status_code == 302
    assert texts(Routine.objects.get(user=operator, template=template)) == today_before  # today's as made
    morning(8)
    services.generate_routines()
    tomorrow = Routine.objects.get(user=operator, template=template, day=date(2026, 12, 8))
    assert texts(tomorrow) == ["活动准备：报名、价格、素材", "更新库存：核对低库存和在途采购", "查看直播间数据"]
    entry = AuditEntry.objects.get(action="teamwork.template_changed")
    assert entry.actor_id == owner.pk and "查看直播间数据" in str(entry.changes["items"])
    assert "title" not in entry.changes  # only what changed


def test_a_template_switched_off_makes_no_checklist_from_tomorrow(staff, morning):
    owner, agent = staff("owner"), staff("agent")
    services.ensure_default_templates()
    template = services.get_routine_template(RoutineTemplate.objects.get(role="agent").pk)
    page_as(owner).post(
        f"/console/teamwork/templates/{template.pk}/",
        {"role": "agent", "title": template.title, "items": "\n".join(template.items)},
    )  # box unticked: off
    template.refresh_from_db()
    assert template.active is False
    assert "已停用" in page_as(owner).get("/console/teamwork/templates/").content.decode()
    morning(9)
    services.generate_routines()
    assert not Routine.objects.filter(user=agent).exists()
    entry = AuditEntry.objects.get(action="teamwork.template_changed")
    assert entry.changes["active"] == [True, False]


def test_only_managers_edit_templates_and_bad_input_changes_nothing(staff):
    services.ensure_default_templates()
    template = RoutineTemplate.objects.get(role="operator")
    before = list(template.items)
    response = page_as(staff("warehouse")).post(
        f"/console/teamwork/templates/{template.pk}/", {"role": "operator", "title": "x", "items": "y", "active": "on"}
    )
    assert response.status_code == 403
    page_as(staff("owner")).post(
        f"/console/teamwork/templates/{template.pk}/",
        {"role": "operator", "title": "每日运营检查", "items": "  \n \n", "active": "on"},
    )
    template.refresh_from_db()
    assert template.items == before
    assert not AuditEntry.objects.filter(action="teamwork.template_changed").exists()
    assert page_as(staff("owner")).get("/console/teamwork/templates/99999/").status_code == 404
