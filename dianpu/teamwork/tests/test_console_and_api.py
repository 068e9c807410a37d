"""Daily work in the console and the API: today's checklist ticked with a note, tasks created and
closed, the calendar month, training read, figures for managers only."""

from datetime import date

import pytest

from dianpu.teamwork import services
from dianpu.teamwork.models import Routine, RoutineItem, Task

pytestmark = pytest.mark.django_db


def test_today_makes_and_ticks_my_checklist(client, staff):
    agent = staff("agent")
    client.force_login(agent)
    page = client.get("/console/teamwork/").content.decode()
    assert "客服日志复盘" in page and "0/3" in page
    item = RoutineItem.objects.filter(routine__user=agent).first()
    client.post("/console/teamwork/", {"item_id": item.pk, "note": "3 条未回复已处理", "done": "1"})
    page = client.get("/console/teamwork/").content.decode()
    assert "1/3" in page and "3 条未回复已处理" in page
    assert Routine.objects.count() == 1  # opening the page again made nothing new


def test_tasks_page_and_calendar_and_training(client, staff):
    operator, agent = staff("operator"), staff("agent")
    client.force_login(operator)
    client.post("/console/teamwork/tasks/", {"title": "拍新品", "owner_id": agent.pk, "due_on": "2026-12-10"})
    task = Task.objects.get()
    assert task.owner == agent
    assert "拍新品" in client.get("/console/teamwork/tasks/").content.decode()
    page = client.get("/console/teamwork/calendar/?month=2026-12").content.decode()
    assert "双 12" in page and "拍新品" in page
    assert client.get("/console/teamwork/calendar/?month=junk").status_code == 200
    client.post("/console/teamwork/training/", {"title": "发货规范", "body": "<p>当天 16 点前发货</p>"})
    client.force_login(agent)
    doc_page = client.get("/console/teamwork/training/").content.decode()
    assert "发货规范" in doc_page
    from dianpu.teamwork.models import TrainingDoc

    doc = TrainingDoc.objects.get()
    client.post(f"/console/teamwork/training/{doc.pk}/")
    assert 'id="read-confirmed"' in client.get(f"/console/teamwork/training/{doc.pk}/").content.decode()
    client.post("/console/teamwork/tasks/", {"action": "done", "task_id": task.pk})
    task.refresh_from_db()
    assert task.status == "done"
    assert client.get("/console/teamwork/figures/").status_code == 403
    client.force_login(operator)
    assert "agent" in client.get("/console/teamwork/figures/").content.decode()


def test_api_routines_and_tasks_by_role(staff_api, staff):
    agent_api, operator_api = staff_api("agent"), staff_api("operator")
    services.generate_routines()
    mine = agent_api.get("teamwork/routines").json()
    assert [r["title"] for r in mine] == ["客服日志复盘"]
    everyone = operator_api.get("teamwork/routines").json()
    assert {r["title"] for r in everyone} == {"客服日志复盘", "每日运营检查"}
    item_id = mine[0]["items"][0]["id"]
    ticked = agent_api.post(f"teamwork/routine-items/{item_id}/tick", {"note": "已看"}).json()
    assert ticked["done"] is True and ticked["note"] == "已看"
    operator_item = next(r for r in everyone if r["title"] == "每日运营检查")["items"][0]["id"]
    refused = agent_api.post(f"teamwork/routine-items/{operator_item}/tick", {})
    assert refused.status_code == 403 and refused.json()["code"] == "not_yours"
    assert agent_api.post("teamwork/routine-items/999999/tick", {}).json()["code"] == "item_not_found"
    created = agent_api.post("teamwork/tasks", {"title": "整理常见问题", "due_on": "2026-12-09"})
    assert created.status_code == 201
    assert agent_api.post("teamwork/tasks", {"title": ""}).json()["code"] == "title_required"
    task_id = created.json()["id"]
    assert [t["title"] for t in operator_api.get("teamwork/tasks").json()] == ["整理常见问题"]
    assert agent_api.post(f"teamwork/tasks/{task_id}/close", {}).json()["status"] == "done"
    again = agent_api.post(f"teamwork/tasks/{task_id}/close", {})
    assert again.status_code == 409 and again.json()["code"] == "task_closed"
    assert Task.objects.get().due_on == date(2026, 12, 9)
