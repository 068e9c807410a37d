"""Reads of the service desk: the inbox (filtered, bounded), a conversation's messages after a
cursor (what the live chat and the agent's page poll), SLA state, agents and canned replies."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.db.models import Q

from dianpu.core import clock

from .domain import sla
from .models import AgentDuty, CannedReply, Conversation, Message

MAX_PAGE = 100
MAX_MESSAGES = 200


def list_conversations(
    *,
    status: str = "",
    assignee_id: int | None = None,
    unassigned: bool = False,
    tag: str = "",
    channel: str = "",
    search: str = "",
    complaint: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[Conversation]:
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
        query = (
            Q(name__icontains=search)
            | Q(email__icontains=search)
            | Q(order_number__icontains=search)
            | Q(subject__icontains=search)
        )
        if search.isdigit():
            query |= Q(pk=int(search))
        qs = qs.filter(query)
    rows = list(qs[max(0, offset) : max(0, offset) + max(1, min(limit, MAX_PAGE)) * (4 if tag else 1)])
    if tag:  # JSON list containment differs between SQLite and PostgreSQL: filter the bounded page here
        rows = [c for c in rows if tag in (c.tags or [])][: min(limit, MAX_PAGE)]
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
        first_response=sla.evaluate_timer(
            conversation.first_response_due_at, conversation.first_response_at, now, targets.warning_minutes
        ).value,
        resolution=sla.evaluate_timer(conversation.resolution_due_at, resolved, now, targets.warning_minutes).value,
        first_response_minutes_left=None
        if conversation.first_response_at
        else sla.minutes_left(conversation.first_response_due_at, now),
        resolution_minutes_left=None if resolved else sla.minutes_left(conversation.resolution_due_at, now),
    )


def targets_by_priority() -> dict[str, sla.SlaTargets]:
    """The SLA targets of every priority, in one query (the inbox shows many conversations)."""
    from .models import SlaPolicy

    targets = dict(sla.DEFAULT_TARGETS)
    for row in SlaPolicy.objects.all():
        targets[row.priority] = sla.SlaTargets(row.first_response_minutes, row.resolution_minutes, row.warning_minutes)
    return targets


def list_agents() -> list:
    """Staff who may answer conversations, with their duty flag (`on_duty` attribute)."""
    users = [
        u
        for u in get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")[:200]
        if u.has_perm("support.answer_conversations")
    ]
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
    return list(qs[: min(limit, 500)])


def count_open_for(user) -> int:
    return Conversation.objects.filter(assignee=user, status__in=("open", "pending")).count()


def list_product_complaints(product, limit: int = 50) -> list[Conversation]:
    return list(Conversation.objects.filter(complaint_product=product).order_by("-created_at")[:limit])


def count_product_complaints(product) -> int:
    return Conversation.objects.filter(complaint_product=product).count()


def list_logs(*, agent=None, status: str = "", limit: int = 60):
    from .models import AgentLog

    qs = AgentLog.objects.select_related("agent", "reviewer")
    if agent is not None:
        qs = qs.filter(agent=agent)
    if status:
        qs = qs.filter(status=status)
    return list(qs[: min(limit, 200)])


def get_log(pk):
    from .models import AgentLog

    return AgentLog.objects.select_related("agent", "reviewer").filter(pk=pk).first()


def list_reviews(*, week=None, agent_id: int | None = None, limit: int = 200):
    from .models import ChatReview

    qs = ChatReview.objects.select_related("agent", "conversation", "reviewer")
    if week is not None:
        qs = qs.filter(week=week)
    if agent_id:
        qs = qs.filter(agent_id=agent_id)
    return list(qs[: min(limit, 500)])


def get_review(pk):
    from .models import ChatReview

    return ChatReview.objects.select_related("agent", "conversation", "reviewer").filter(pk=pk).first()


@dataclass(frozen=True)
class AgentFigures:
    username: str
    volume: int
    answered: int
    first_response_minutes: float | None
    resolution_minutes: float | None
    first_response_breaches: int
    review_score: float | None
    review_trend: list  # [(week, average score)], oldest first
    satisfaction: float | None = None  # average CSAT (1–5) of the conversations' answers
    satisfaction_answers: int = 0


def _average(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 1) if values else None


def agent_figures(*, since, until) -> list[AgentFigures]:
    """Per agent, conversations created in [since, until): volume, average first response and
    resolution (minutes), first-response breaches, the chat-review score with its weekly trend, and
    CSAT: the visitors' ratings (1–5) asked when a conversation is resolved, with how many answered
    (the CRM's surveys are about orders, not about an agent's conversation)."""
    from .models import ChatReview

    rows = Conversation.objects.filter(created_at__gte=since, created_at__lt=until, assignee__isnull=False).values_list(
        "assignee_id", "created_at", "first_response_at", "first_response_due_at", "resolved_at"
    )[:50_000]
    ratings: dict[int, list[int]] = {}
    for agent_id, score in Conversation.objects.filter(
        created_at__gte=since, created_at__lt=until, satisfaction_agent__isnull=False, satisfaction_score__isnull=False
    ).values_list("satisfaction_agent_id", "satisfaction_score")[:50_000]:
        ratings.setdefault(agent_id, []).append(score)
    per: dict[int, list] = {}
    for row in rows:
        per.setdefault(row[0], []).append(row)
    reviews: dict[int, dict] = {}
    for review in ChatReview.objects.filter(
        scored_at__isnull=False, week__gte=since.date() - _weeks(8), week__lt=until.date()
    )[:5000]:
        reviews.setdefault(review.agent_id, {}).setdefault(review.week, []).append(review.score)
    users = {
        u.pk: u.get_username() for u in get_user_model().objects.filter(pk__in=set(per) | set(reviews) | set(ratings))
    }
    result = []
    for user_id in sorted(users, key=lambda pk: users[pk]):
        mine = per.get(user_id, [])
        first = [(r[2] - r[1]).total_seconds() / 60 for r in mine if r[2]]
        resolved = [(r[4] - r[1]).total_seconds() / 60 for r in mine if r[4]]
        breaches = sum(1 for r in mine if r[3] and (r[2] or clock.now()) > r[3])
        weeks = sorted(reviews.get(user_id, {}).items())
        trend = [(week, _average(scores)) for week, scores in weeks]
        rated = ratings.get(user_id, [])
        result.append(
            AgentFigures(
                users[user_id],
                len(mine),
                len(first),
                _average(first),
                _average(resolved),
                breaches,
                _average([s for _w, scores in weeks for s in scores]),
                trend,
                _average(rated),
                len(rated),
            )
        )
    return result


def _weeks(n: int):
    from datetime import timedelta

    return timedelta(weeks=n)


def attachment_url(attachment) -> str:
    """The link to an attachment's image, signed: handed only to who may read its message."""
    from django.urls import reverse

    return (
        reverse("api:support-attachment", kwargs={"attachment_id": attachment.pk})
        + f"?sig={sign_attachment_link(attachment.pk)}"
    )


ATTACHMENT_LINK_SECONDS = 3600
_ATTACHMENT_SALT = "dianpu.support.attachment"


def sign_attachment_link(attachment_id: int) -> str:
    """The `sig` of a link to one attachment, handed only to someone already allowed to read its
    message (an <img> cannot send the conversation token header); valid an hour."""
    return signing.TimestampSigner(salt=_ATTACHMENT_SALT).sign(str(attachment_id)).split(":", 1)[1]


def attachment_link_matches(attachment_id: int, signature: str) -> bool:
    try:
        value = signing.TimestampSigner(salt=_ATTACHMENT_SALT).unsign(
            f"{attachment_id}:{signature}", max_age=ATTACHMENT_LINK_SECONDS
        )
    except signing.BadSignature:  # also SignatureExpired
        return False
    return value == str(attachment_id)
