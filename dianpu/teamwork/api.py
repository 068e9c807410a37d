"""Daily work endpoints: every staff member reads and ticks their own routines and tasks; owner and
operator (teamwork.manage_team) see everyone's and give anyone a task."""

from datetime import date

from ninja import Router, Schema, Status

from dianpu.accounts.auth import StaffToken
from dianpu.core.bounds import ShopDate

from . import queries, services

router = Router(tags=["teamwork"], auth=StaffToken())


class Problem(Schema):
    code: str
    detail: str


class Created(Schema):
    id: int


class ItemOut(Schema):
    id: int
    text: str
    done: bool
    done_at: str | None
    note: str


class RoutineOut(Schema):
    id: int
    user: str
    day: date
    title: str
    items: list[ItemOut]


class TickIn(Schema):
    done: bool = True
    note: str = ""


class TaskIn(Schema):
    title: str
    owner_id: int | None = None
    due_on: ShopDate | None = None
    notes: str = ""


class TaskOut(Schema):
    id: int
    title: str
    notes: str
    owner: str
    due_on: date | None
    status: str
    closed_at: str | None


class CloseIn(Schema):
    status: str = "done"


def _item_out(i) -> dict:
    return {
        "id": i.pk,
        "text": i.text,
        "done": i.done_at is not None,
        "done_at": i.done_at.isoformat() if i.done_at else None,
        "note": i.note,
    }


def _task_out(t) -> dict:
    return {
        "id": t.pk,
        "title": t.title,
        "notes": t.notes,
        "owner": t.owner.get_username(),
        "due_on": t.due_on,
        "status": t.status,
        "closed_at": t.closed_at.isoformat() if t.closed_at else None,
    }


@router.get(
    "/teamwork/routines",
    response={200: list[RoutineOut]},
    summary="A day's checklists: your own (owner/operator: anyone's with user_id, or everyone's)",
)
def list_routines(request, day: ShopDate | None = None, user_id: int | None = None, limit: int = 100):
    return [
        {
            "id": r.pk,
            "user": r.user.get_username(),
            "day": r.day,
            "title": r.title,
            "items": [_item_out(i) for i in r.items.all()],
        }
        for r in queries.list_routines(request.user, day=day or services.today(), user_id=user_id, limit=limit)
    ]


@router.post(
    "/teamwork/routine-items/{item_id}/tick",
    response={200: ItemOut, 403: Problem, 404: Problem},
    summary="Tick (or untick) a checklist item, with a note",
)
def tick(request, item_id: int, payload: TickIn):
    return _item_out(
        services.tick_routine_item(actor=request.user, item_id=item_id, note=payload.note, done=payload.done)
    )


@router.get(
    "/teamwork/tasks",
    response={200: list[TaskOut]},
    summary="Tasks: yours (owner/operator: everyone's, or owner_id's); status open/done/cancelled",
)
def list_tasks(request, status: str = "open", owner_id: int | None = None, limit: int = 100, offset: int = 0):
    return [
        _task_out(t)
        for t in queries.list_tasks(request.user, status=status, owner_id=owner_id, limit=limit, offset=offset)
    ]


@router.post(
    "/teamwork/tasks",
    response={201: Created, 403: Problem, 422: Problem},
    summary="A task with an owner (owner/operator: anyone; others: themselves) and a due date",
)
def create_task(request, payload: TaskIn):
    task = services.create_task(
        actor=request.user, title=payload.title, owner_id=payload.owner_id, due_on=payload.due_on, notes=payload.notes
    )
    return Status(201, {"id": task.pk})


@router.post(
    "/teamwork/tasks/{task_id}/close",
    response={200: TaskOut, 403: Problem, 404: Problem, 409: Problem},
    summary="Close a task as done (or cancelled)",
)
def close_task(request, task_id: int, payload: CloseIn):
    return _task_out(services.close_task(actor=request.user, task_id=task_id, status=payload.status))
