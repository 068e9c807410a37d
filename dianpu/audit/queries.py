from .models import AuditEntry


def list_entries(*, action_prefix: str = "", object_type: str = "", object_id: str = "", actor: str = ""):
    entries = AuditEntry.objects.all()
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if actor:
        entries = entries.filter(actor_label=actor)
    return entries
