"""Writing the audit log. Call inside the transaction of the change being recorded."""

from dianpu.core import clock

from .models import AuditEntry


def _jsonable(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def record_audit(*, actor, action: str, obj=None, object_type: str = "", object_id: str = "",
                 object_repr: str = "", changes: dict | None = None, reason: str = "",
                 ip_address: str | None = None) -> AuditEntry:
    """Append one entry. `changes` maps field -> (old, new); values are stored as text."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.get_username() if is_person else "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes={field: [_jsonable(old), _jsonable(new)] for field, (old, new) in (changes or {}).items()},
        reason=reason[:500],
        ip_address=ip_address,
        created_at=clock.now(),
    )
