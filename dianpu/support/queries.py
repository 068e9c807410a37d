"""Reads of the service desk: the inbox (filtered, bounded), a conversation's messages after a
cursor (what the live chat and the agent's page poll), SLA state, agents and canned replies."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q

from dianpu.core import clock

from .domain import sla
from .models import AgentDuty, CannedReply, Conversation, Message

MAX_PAGE = 100
MAX_MESSAGES = 200


def list_conversations(*, status: str = "", assignee_id: int | None = None, unassigned: bool = False,
                       tag: str = "", channel: str = "", search: str = "", complaint: bool = False,
                       limit: int = 50, offset: int = 0) -> list[Conversation]:
    qs = Conversation.objects.select_related("assignee", "order", "customer")
    if status:
        qs = qs.filter(status=status)
    if assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    if unassigned:
        qs = qs.filter(assignee__isnull=True)
    if channel:
        qs = qs.filter(channel=channel)
    if complaint:
        qs = qs.exclude(complaint_cause="")
    search = (search or "").strip()
    if search:
        query = (Q(name__icontains=search) | Q(email__icontains=search) | Q(order_number__icontains=search)
                 | Q(subject__icontains=search))
        if search.isdigit():
            query |= Q(pk=int(search))
        qs = qs.filter(query)
    rows = list(qs[max(0, offset):max(0, offset) + max(1, min(limit, MAX_PAGE)) * (4 if tag else 1)])
    if tag:  # JSON list containment differs between SQLite and PostgreSQL: filter the bounded page here
        rows = [c for c in rows if tag in (c.tags or [])][:min(limit, MAX_PAGE)]
    return rows


def list_messages(conversation: Conversation, *, after: int = 0, include_internal: bool = False) -> list[Message]:
    qs = conversation.messages.filter(id__gt=max(0, after)).select_related("author").prefetch_related("attachments")
    if not include_internal:
        qs = qs.filter(internal=False)
    return list(qs.order_by("id")[:MAX_MESSAGES])


def latest_message_id() -> int:
    return Message.objects.order_by("-id").values_list("id", flat=True).first() or 0


@dataclass(frozen=True)
class SlaStatus:
    first_response: str
    resolution: str
    first_response_minutes_left: int | None
    resolution_minutes_left: int | None

    @property
    def worst(self) -> str:
        order = ["breached", "warning", "ok", "met"]
        return min((self.first_response, self.resolution), key=order.index)


def get_sla_status(conversation: Conversation, now=None, targets: sla.SlaTargets | None = None) -> SlaStatus:
    from .services import sla_targets

    now = now or clock.now()
    targets = targets or sla_targets(conversation.priority)
    resolved = conversation.resolved_at if conversation.status in ("resolved", "closed") else None
    return SlaStatus(
        first_response=sla.evaluate_timer(conversation.first_response_due_at, conversation.first_response_at, now,
                                          targets.warning_minutes).value,
        resolution=sla.evaluate_timer(conversation.resolution_due_at, resolved, now, targets.warning_minutes).value,
        first_response_minutes_left=None if conversation.first_response_at else sla.minutes_left(
            conversation.first_response_due_at, now),
        resolution_minutes_left=None if resolved else sla.minutes_left(conversation.resolution_due_at, now))


def list_agents() -> list:
    """Staff who may answer conversations, with their duty flag (`on_duty` attribute)."""
    users = [u for u in get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")[:200]
             if u.has_perm("support.answer_conversations")]
    duty = {d.user_id: d.on_duty for d in AgentDuty.objects.filter(user__in=users)}
    for user in users:
        user.on_duty = duty.get(user.pk, False)
    return users


def is_on_duty(user) -> bool:
    return AgentDuty.objects.filter(user=user, on_duty=True).exists()


def list_canned_replies(*, category: str = "", limit: int = 200) -> list[CannedReply]:
    qs = CannedReply.objects.all()
    if category:
        qs = qs.filter(category=category)
    return list(qs[:min(limit, 500)])


def count_open_for(user) -> int:
    return Conversation.objects.filter(assignee=user, status__in=("open", "pending")).count()


def list_product_complaints(product, limit: int = 50) -> list[Conversation]:
    return list(Conversation.objects.filter(complaint_product=product).order_by("-created_at")[:limit])


def count_product_complaints(product) -> int:
    return Conversation.objects.filter(complaint_product=product).count()
