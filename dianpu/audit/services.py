"""Writing the audit log. Call inside the transaction of the change being recorded."""

from typing import Any

from dianpu.core import clock
from dianpu.core.actors import Actor, person_of

from .models import AuditEntry


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def record_audit(
    *,
    actor: Actor,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
    reason: str = "",
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry. `changes` maps field -> (old, new); values are stored as text."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    person = person_of(actor)
    return AuditEntry.objects.create(
        actor=person,
        actor_label=person.get_username() if person is not None else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes={field: [_jsonable(old), _jsonable(new)] for field, (old, new) in (changes or {}).items()},
        reason=reason[:500],
        ip_address=ip_address,
        created_at=clock.now(),
    )
