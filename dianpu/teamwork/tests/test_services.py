"""Routines made each morning (once per person and day, also when two workers race), ticked with
notes; tasks with owners; training documents with read confirmations; staff figures."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.teamwork import queries, services
from dianpu.teamwork.models import ReadConfirmation, Routine, RoutineItem, Task
from dianpu.teamwork.tasks import generate_morning_routines

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def at(settings):
    settings.TIME_ZONE = "Asia/Shanghai"

    def pin(*parts):
        clock.freeze(datetime(*parts, tzinfo=SHANGHAI))

    yield pin
    clock.freeze(None)


def test_each_morning_every_staff_member_gets_their_roles_checklists_once(staff, at):
    operator, agent = staff("operator"), staff("agent")
    at(2026, 12, 7, 6, 30)
    made = generate_morning_routines.call_local()
    assert made == 2
    assert generate_morning_routines.call_local() == 0  # the task run twice: nothing doubled
    mine = Routine.objects.get(user=operator)
    assert (mine.day, mine.title) == (date(2026, 12, 7), "每日运营检查")
    assert list(mine.items.values_list("text", flat=True))[:2] == [
        "更新库存：核对低库存和在途采购",
        "竞品检查：价格、促销、主图",
    ]
    assert Routine.objects.get(user=agent).title == "客服日志复盘"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_generating_at_once_make_each_routine_once(staff):
    staff("operator")
    staff("warehouse")
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(services.generate_routines(date(2026, 12, 7)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results)[1] >= 1 and sum(results) == 2
    assert Routine.objects.count() == 2
    assert RoutineItem.objects.count() == 5 + 3


def test_ticking_an_item_keeps_the_first_time_and_the_note(staff, at):
    operator = staff("operator")
    at(2026, 12, 7, 9, 0)
    services.generate_routines()
    item = Routine.objects.get(user=operator).items.first()
    services.tick_routine_item(actor=operator, item_id=item.pk, note="低库存已补货 3 款")
    at(2026, 12, 7, 10, 0)
    services.tick_routine_item(actor=operator, item_id=item.pk)
    item.refresh_from_db()
    assert item.done_at == datetime(2026, 12, 7, 9, 0, tzinfo=SHANGHAI) and item.note == "低库存已补货 3 款"
    services.tick_routine_item(actor=operator, item_id=item.pk, done=False)
    item.refresh_from_db()
    assert item.done_at is None


def test_nobody_ticks_someone_elses_item_but_a_manager_may(staff, at):
    operator, agent, owner = staff("operator"), staff("agent"), staff("owner")
    at(2026, 12, 7, 9, 0)
    services.generate_routines()
    item = Routine.objects.get(user=operator).items.first()
    with pytest.raises(DomainError) as refused:
        services.tick_routine_item(actor=agent, item_id=item.pk)
    assert refused.value.status == 403
    item.refresh_from_db()
    assert item.done_at is None
    services.tick_routine_item(actor=owner, item_id=item.pk)
    item.refresh_from_db()
    assert item.done_by == owner
    assert [r.user for r in queries.list_routines(agent, day=date(2026, 12, 7))] == [agent]
    assert len(queries.list_routines(owner, day=date(2026, 12, 7))) == 3


def test_tasks_with_owners(staff, at):
    operator, agent = staff("operator"), staff("agent")
    at(2026, 12, 7, 9, 0)
    task = services.create_task(actor=operator, title="准备双12活动", owner_id=agent.pk, due_on=date(2026, 12, 10))
    with pytest.raises(DomainError) as refused:
        services.create_task(actor=agent, title="给运营派活", owner_id=operator.pk)
    assert refused.value.status == 403
    assert [t.title for t in queries.list_tasks(agent)] == ["准备双12活动"]
    closed = services.close_task(actor=agent, task_id=task.pk)
    assert closed.status == "done" and closed.closed_at == clock.now()
    with pytest.raises(DomainError) as twice:
        services.close_task(actor=agent, task_id=task.pk)
    assert twice.value.code == "task_closed"
    assert Task.objects.count() == 1


def test_training_documents_are_sanitised_and_reads_confirmed(staff):
    owner, agent, warehouse = staff("owner"), staff("agent"), staff("warehouse")
    doc = services.save_training_doc(
        actor=owner, title="客服话术", body='<p onclick="x()">先问候<script>alert(1)</script></p>', audience=["agent"]
    )
    assert doc.body == "<p>先问候</p>"
    with pytest.raises(DomainError):
        services.save_training_doc(actor=agent, title="x", body="<p>y</p>")
    assert [d.title for d in queries.training_for(agent)] == ["客服话术"]
    assert queries.training_for(warehouse) == []
    services.confirm_read(actor=agent, doc=doc)
    services.confirm_read(actor=agent, doc=doc)
    assert ReadConfirmation.objects.count() == 1
    assert queries.training_for(agent)[0].read is True


def test_staff_figures_count_routines_on_time_and_tasks_closed(staff, at):
    operator, agent = staff("operator"), staff("agent")
    at(2026, 12, 7, 8, 0)
    services.generate_routines()
    for item in Routine.objects.get(user=operator).items.all():
        services.tick_routine_item(actor=operator, item_id=item.pk)
    late = Routine.objects.get(user=agent).items.all()
    for item in late[:2]:
        services.tick_routine_item(actor=agent, item_id=item.pk)
    at(2026, 12, 8, 9, 0)  # the last item the next morning: not on time
    services.tick_routine_item(actor=agent, item_id=late[2].pk)
    task = services.create_task(actor=operator, title="上新", owner_id=operator.pk, due_on=date(2026, 12, 9))
    services.close_task(actor=operator, task_id=task.pk)
    services.create_task(actor=operator, title="逾期任务", owner_id=agent.pk, due_on=date(2026, 12, 5))
    rows = {r["user"].username: r for r in queries.staff_figures(date(2026, 12, 7), date(2026, 12, 8))}
    assert (
        rows["operator"]["routines"],
        rows["operator"]["on_time"],
        rows["operator"]["tasks_closed"],
        rows["operator"]["closed_on_time"],
    ) == (1, 1, 1, 1)
    assert (rows["agent"]["routines"], rows["agent"]["on_time"], rows["agent"]["overdue"]) == (1, 0, 1)


def test_calendar_month_shows_festivals_promotions_listings_and_tasks(staff, at):
    operator = staff("operator")
    at(2026, 12, 1, 9, 0)
    from dianpu.catalog.tests.builders import make_product
    from dianpu.promotions.tests.builders import make_promotion

    make_product(name="新品羽绒服")  # listed now
    make_promotion(
        "percent_off",
        name="双12满减",
        percent=10,
        starts_at=clock.now() + timedelta(days=10),
        ends_at=clock.now() + timedelta(days=11, hours=12),
    )
    services.create_task(actor=operator, title="双12备货", owner_id=operator.pk, due_on=date(2026, 12, 10))
    weeks = queries.calendar_month(operator, 2026, 12)["weeks"]
    cells = {cell["day"]: cell["entries"] for week in weeks for cell in week}
    assert {"kind": "festival", "text": "双 12"} in cells[date(2026, 12, 12)]
    assert {"kind": "promotion", "text": "双12满减"} in cells[date(2026, 12, 11)]
    assert {"kind": "promotion", "text": "双12满减"} in cells[date(2026, 12, 12)]
    assert any(e["kind"] == "listing" and e["text"] == "新品羽绒服" for e in cells[date(2026, 12, 1)])
    assert any(e["kind"] == "task" and e["text"].startswith("双12备货") for e in cells[date(2026, 12, 10)])
