"""Reads for the daily work pages and API: routines, tasks, the month calendar, training documents
for a role, and staff figures."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from dianpu.accounts.domain import roles
from dianpu.catalog.models import Product
from dianpu.core.errors import NotFoundError
from dianpu.promotions.models import Promotion

from .domain.calendar import festivals_between, month_grid
from .domain.routines import is_on_time
from .messages import MESSAGES
from .models import ReadConfirmation, Routine, RoutineItem, RoutineTemplate, Task, TrainingDoc

MAX_LIST = 200


def _bounded(limit, offset=0) -> tuple[int, int]:
    return max(1, min(int(limit), MAX_LIST)), max(0, int(offset))


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def list_routines(viewer, *, day: date, user_id: int | None = None, limit: int = 100) -> list[Routine]:
    """One day's routines with their items: the viewer's own, or (a manager) someone's or everyone's."""
    routines = Routine.objects.filter(day=day).select_related("user").prefetch_related("items")
    if viewer.has_perm(roles.MANAGE_TEAM):
        if user_id:
            routines = routines.filter(user_id=user_id)
    else:
        routines = routines.filter(user=viewer)
    limit, _offset = _bounded(limit)
    return list(routines.order_by("user__username", "id")[:limit])


def list_tasks(
    viewer, *, status: str = "open", owner_id: int | None = None, limit: int = 100, offset: int = 0
) -> list[Task]:
    tasks = Task.objects.select_related("owner", "created_by")
    if not viewer.has_perm(roles.MANAGE_TEAM):
        tasks = tasks.filter(Q(owner=viewer) | Q(created_by=viewer))
    elif owner_id:
        tasks = tasks.filter(owner_id=owner_id)
    if status in Task.Status.values:
        tasks = tasks.filter(status=status)
    limit, offset = _bounded(limit, offset)
    return list(tasks.order_by("due_on", "id")[offset : offset + limit])


def list_staff(limit: int = 200) -> list:
    return list(get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")[:limit])


def list_templates() -> list[RoutineTemplate]:
    return list(RoutineTemplate.objects.all()[:MAX_LIST])


def calendar_month(viewer, year: int, month: int) -> dict:
    """{"weeks": [[{"day", "in_month", "entries": [{"kind", "text"}]}]]} for the month's grid:
    festivals, promotions running, products listed or due to be listed, tasks due."""
    weeks = month_grid(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    start, stop = end_of_day(first - timedelta(days=1)), end_of_day(last)
    entries: dict[date, list[dict]] = defaultdict(list)
    for festival in festivals_between(first, last):
        entries[festival.day].append({"kind": "festival" if festival.shopping else "holiday", "text": festival.name})
    for promotion in Promotion.objects.filter(starts_at__lt=stop, ends_at__gte=start).order_by("starts_at")[:100]:
        begin = max(timezone.localdate(promotion.starts_at), first)
        end = min(timezone.localdate(promotion.ends_at), last)
        day = begin
        while day <= end:
            entries[day].append({"kind": "promotion", "text": promotion.name})
            day += timedelta(days=1)
    listed = Product.objects.filter(
        Q(listed_at__gte=start, listed_at__lt=stop) | Q(scheduled_list_at__gte=start, scheduled_list_at__lt=stop)
    )
    for product in listed.only("name", "listed_at", "scheduled_list_at").order_by("pk")[:200]:
        when = product.scheduled_list_at or product.listed_at
        entries[timezone.localdate(when)].append({"kind": "listing", "text": product.name})
    tasks = Task.objects.filter(due_on__range=(first, last)).exclude(status=Task.Status.CANCELLED)
    if not viewer.has_perm(roles.MANAGE_TEAM):
        tasks = tasks.filter(owner=viewer)
    for task in tasks.select_related("owner").order_by("due_on", "id")[:300]:
        entries[task.due_on].append(
            {
                "kind": "task",
                "text": f"{task.title}（{task.owner.get_username()}）",
                "done": task.status == Task.Status.DONE,
            }
        )
    return {
        "weeks": [
            [{"day": d, "in_month": d.month == month, "entries": entries.get(d, [])} for d in week] for week in weeks
        ]
    }


def training_for(user, limit: int = 100) -> list[TrainingDoc]:
    """The documents meant for the user's roles (or everyone), with `read` set; a manager sees all
    with the count of confirmations."""
    docs = TrainingDoc.objects.annotate(
        read=Exists(ReadConfirmation.objects.filter(doc=OuterRef("pk"), user=user)), read_count=Count("confirmations")
    )
    limit, _offset = _bounded(limit)
    found = list(docs[:MAX_LIST])
    if user.has_perm(roles.MANAGE_TEAM):
        return found[:limit]
    mine = {g.name for g in user.groups.all()}
    return [d for d in found if not d.roles or mine & set(d.roles)][:limit]


def get_training_doc(user, pk: int) -> TrainingDoc:
    doc = next((d for d in training_for(user, limit=MAX_LIST) if d.pk == pk), None)
    if doc is None:
        raise NotFoundError(MESSAGES["doc_not_found"], code="doc_not_found")
    return doc


def read_confirmations(doc: TrainingDoc) -> list[ReadConfirmation]:
    return list(doc.confirmations.select_related("user").order_by("read_at")[:MAX_LIST])


def staff_figures(date_from: date, date_to: date) -> list[dict]:
    """Per person over the days: routines, routines done on time (every item ticked before the end of
    its day), tasks closed, tasks closed by their due date, tasks open and overdue."""
    rows: dict[int, dict] = {}

    def row(user) -> dict:
        return rows.setdefault(
            user.pk, {"user": user, "routines": 0, "on_time": 0, "tasks_closed": 0, "closed_on_time": 0, "overdue": 0}
        )

    done_times: dict[int, list] = defaultdict(list)
    for item in RoutineItem.objects.filter(routine__day__range=(date_from, date_to)).values("routine_id", "done_at"):
        done_times[item["routine_id"]].append(item["done_at"])
    for routine in Routine.objects.filter(day__range=(date_from, date_to)).select_related("user").order_by("pk"):
        figures = row(routine.user)
        figures["routines"] += 1
        if is_on_time(done_times.get(routine.pk, []), end_of_day(routine.day)):
            figures["on_time"] += 1
    closed = Task.objects.filter(
        status=Task.Status.DONE,
        closed_at__gte=end_of_day(date_from - timedelta(days=1)),
        closed_at__lt=end_of_day(date_to),
    ).select_related("owner")
    for task in closed:
        figures = row(task.owner)
        figures["tasks_closed"] += 1
        if task.due_on is None or task.closed_at <= end_of_day(task.due_on):
            figures["closed_on_time"] += 1
    for task in Task.objects.filter(status=Task.Status.OPEN, due_on__lt=date_to).select_related("owner"):
        row(task.owner)["overdue"] += 1
    result = sorted(rows.values(), key=lambda r: r["user"].get_username())
    for r in result:
        r["on_time_rate"] = r["on_time"] / r["routines"] if r["routines"] else None
    return result
