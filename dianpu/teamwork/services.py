"""Use cases of the team's daily work. Routines are made at most once per person, day and template
(a unique constraint: the morning task and a second run, or two workers, cannot double them); an
item is ticked by a conditional UPDATE; every staff change is audited."""

from collections.abc import Sequence
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone

from dianpu.accounts.domain import roles
from dianpu.accounts.domain.roles import ROLES_BY_CODE
from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.sanitize import clean_text, sanitize_html

from .domain.routines import DEFAULT_ROUTINES, clean_items
from .messages import MESSAGES
from .models import ReadConfirmation, Routine, RoutineItem, RoutineTemplate, Task, TrainingDoc


def _error(code: str, status: int = 422) -> DomainError:
    return DomainError(MESSAGES[code], code=code, status=status)


def is_manager(user: User | AnonymousUser) -> bool:
    return user.has_perm(roles.MANAGE_TEAM)


def today() -> date:
    return timezone.localdate(clock.now())


def ensure_default_templates() -> int:
    """The default checklists of every role, when the shop has none yet."""
    if RoutineTemplate.objects.exists():
        return 0
    RoutineTemplate.objects.bulk_create(
        [RoutineTemplate(role=r.role, title=r.title, items=list(r.items)) for r in DEFAULT_ROUTINES]
    )
    return len(DEFAULT_ROUTINES)


def generate_routines(day: date | None = None, *, user: User | None = None) -> int:
    """Make today's checklists for every active staff member from their roles' templates. Safe to
    run twice, or on two workers at once: a routine that exists is left as it is. Returns how many
    were made. `user`: only that person's (their page opened before the morning task ran)."""
    day = day or today()
    ensure_default_templates()
    templates = list(RoutineTemplate.objects.filter(active=True))
    made = 0
    users = get_user_model().objects.filter(is_active=True, is_staff=True).prefetch_related("groups")
    if user is not None:
        users = users.filter(pk=user.pk)
        have = set(Routine.objects.filter(user=user, day=day).values_list("template_id", flat=True))
        groups = set(user.groups.values_list("name", flat=True))
        if have >= {t.pk for t in templates if t.role in groups}:
            return 0  # the usual case: one indexed read
    for person in users.order_by("pk").iterator(chunk_size=200):
        user_roles = {g.name for g in person.groups.all()}
        for template in templates:
            if template.role not in user_roles:
                continue
            try:
                with transaction.atomic():
                    routine = Routine.objects.create(
                        user=person, day=day, template=template, title=template.title, created_at=clock.now()
                    )
                    RoutineItem.objects.bulk_create(
                        [RoutineItem(routine=routine, position=n, text=text) for n, text in enumerate(template.items)]
                    )
                made += 1
            except IntegrityError:
                continue  # made already (this run twice, or another worker)
    return made


def _item(actor: User, item_id: int) -> RoutineItem:
    item = RoutineItem.objects.select_related("routine").filter(pk=item_id).first()
    if item is None:
        raise NotFoundError(MESSAGES["item_not_found"], code="item_not_found")
    if item.routine.user_id != actor.pk and not is_manager(actor):
        raise _error("not_yours", status=403)
    return item


def tick_routine_item(*, actor: User, item_id: int, note: str = "", done: bool = True) -> RoutineItem:
    """Tick (or untick) one checklist item with a note. Ticking twice keeps the first time."""
    item = _item(actor, item_id)
    note = clean_text(note or "")[:500]
    if done:
        RoutineItem.objects.filter(pk=item.pk, done_at__isnull=True).update(done_at=clock.now(), done_by=actor)
        if note:
            RoutineItem.objects.filter(pk=item.pk).update(note=note)
    else:
        RoutineItem.objects.filter(pk=item.pk).update(done_at=None, done_by=None, note=note)
    item.refresh_from_db()
    return item


def save_routine_template(
    *,
    actor: User,
    role: str,
    title: str,
    items: list[str],
    template: RoutineTemplate | None = None,
    active: bool | None = None,
) -> RoutineTemplate:
    """Create a checklist template, or change one: its role, title, items and their order (as
    given), on or off. Today's checklists stay as they were made; tomorrow's follow the change."""
    if not is_manager(actor):
        raise _error("not_yours", status=403)
    if role not in ROLES_BY_CODE:
        raise _error("role_invalid")
    title = clean_text(title or "")[:100]
    if not title:
        raise _error("title_required")
    items = clean_items(items)
    if not items:
        raise _error("items_required")
    with transaction.atomic():
        if template is None:
            template = RoutineTemplate.objects.create(
                role=role, title=title, items=items, active=True if active is None else active
            )
            action = "teamwork.template_created"
            changes: dict[str, tuple[object, object]] = {
                "role": (None, role),
                "title": (None, title),
                "items": (None, "；".join(items)),
                "active": (None, template.active),
            }
        else:
            before = RoutineTemplate.objects.select_for_update().get(pk=template.pk)
            after: dict[str, object] = {
                "role": role,
                "title": title,
                "items": items,
                "active": before.active if active is None else bool(active),
            }
            RoutineTemplate.objects.filter(pk=template.pk).update(**after)
            template.refresh_from_db()
            action = "teamwork.template_changed"
            changes = {}
            for field, value in after.items():
                old = getattr(before, field)
                if old != value:
                    if field == "items":
                        changes[field] = ("；".join(old), "；".join(items))
                    else:
                        changes[field] = (old, value)
        record_audit(actor=actor, action=action, obj=template, object_repr=template.title, changes=changes)
    return template


def get_routine_template(template_id: int | str) -> RoutineTemplate:
    template = RoutineTemplate.objects.filter(pk=template_id).first() if str(template_id).isdigit() else None
    if template is None:
        raise NotFoundError(MESSAGES["template_not_found"], code="template_not_found")
    return template


def _staff(user_id: int | None) -> User:
    user = get_user_model().objects.filter(pk=user_id or 0, is_active=True, is_staff=True).first()
    if user is None:
        raise _error("owner_invalid")
    return user


def create_task(
    *, actor: User, title: str, owner_id: int | None = None, due_on: date | None = None, notes: str = ""
) -> Task:
    """A task for `owner_id` (a manager may give anyone a task; others give themselves one)."""
    title = clean_text(title or "")[:200]
    if not title:
        raise _error("title_required")
    owner = _staff(owner_id or actor.pk)
    if owner.pk != actor.pk and not is_manager(actor):
        raise _error("not_yours", status=403)
    with transaction.atomic():
        task = Task.objects.create(
            title=title,
            notes=(notes or "")[:4000],
            owner=owner,
            due_on=due_on,
            created_by=actor,
            created_at=clock.now(),
        )
        record_audit(
            actor=actor,
            action="teamwork.task_created",
            obj=task,
            changes={"title": (None, title), "owner": (None, owner.get_username())},
        )
    return task


def close_task(*, actor: User, task_id: int, status: str = Task.Status.DONE) -> Task:
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        raise NotFoundError(MESSAGES["task_not_found"], code="task_not_found")
    if task.owner_id != actor.pk and task.created_by_id != actor.pk and not is_manager(actor):
        raise _error("not_yours", status=403)
    status = Task.Status.CANCELLED if status == Task.Status.CANCELLED else Task.Status.DONE
    with transaction.atomic():
        moved = Task.objects.filter(pk=task.pk, status=Task.Status.OPEN).update(status=status, closed_at=clock.now())
        if not moved:
            raise _error("task_closed", status=409)
        record_audit(
            actor=actor,
            action=f"teamwork.task_{status}",
            obj=task,
            changes={"status": (Task.Status.OPEN.value, str(status))},
        )
    task.refresh_from_db()
    return task


def save_training_doc(
    *, actor: User, title: str, body: str, audience: Sequence[str] = (), doc: TrainingDoc | None = None
) -> TrainingDoc:
    if not is_manager(actor):
        raise _error("not_yours", status=403)
    title = clean_text(title or "")[:200]
    if not title:
        raise _error("title_required")
    body = sanitize_html(body or "")[:100_000]
    if not body.strip():
        raise _error("body_required")
    audience = [r for r in dict.fromkeys(audience or []) if r]
    if any(r not in ROLES_BY_CODE for r in audience):
        raise _error("role_invalid")
    with transaction.atomic():
        if doc is None:
            doc = TrainingDoc.objects.create(
                title=title, body=body, roles=audience, created_by=actor, updated_at=clock.now()
            )
            action = "teamwork.training_created"
        else:
            TrainingDoc.objects.filter(pk=doc.pk).update(title=title, body=body, roles=audience, updated_at=clock.now())
            doc.refresh_from_db()
            action = "teamwork.training_changed"
        record_audit(actor=actor, action=action, obj=doc, changes={"title": (None, title)})
    return doc


def confirm_read(*, actor: User, doc: TrainingDoc) -> ReadConfirmation:
    """The staff member has read the document (the first confirmation counts)."""
    try:
        with transaction.atomic():
            return ReadConfirmation.objects.create(doc=doc, user=actor, read_at=clock.now())
    except IntegrityError:
        return ReadConfirmation.objects.get(doc=doc, user=actor)
