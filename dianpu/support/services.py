"""Use cases of the service desk. Each owns its transaction; e-mail goes out on commit.

Visitors prove a conversation is theirs with its token (only the hash is stored); staff need
`support.answer_conversations`. Floods are stopped by the database-backed counters of
`dianpu.core.ratelimit` (per conversation and per client address).
"""

import logging
import secrets
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from dianpu.audit.services import record_audit
from dianpu.core import clock, ratelimit
from dianpu.core import visitor_tokens as tokens

from . import queries
from .domain import sla, states
from .domain.canned import render_canned_reply, unknown_variables
from .domain.errors import SupportError
from .domain.routing import AgentTurn, pick_next_agent
from .models import AgentDuty, AgentLog, Attachment, CannedReply, ChatReview, Conversation, Message, SlaPolicy

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from dianpu.customers.models import Customer
    from dianpu.orders.models import Order

    from .domain.inbound import InboundEmail
    from .domain.review import DayFacts

log = logging.getLogger(__name__)

ANSWER = "support.answer_conversations"
REVIEW = "support.review_support"
MAX_MESSAGE_CHARS = 5000
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# A visitor may send 20 messages a minute in a conversation, and open 20 conversations a minute
# from one address.
VISITOR_MESSAGES = ratelimit.Limit("support-messages", 20, 60)


# --- look-ups ------------------------------------------------------------------------------------
def sla_targets(priority: str) -> sla.SlaTargets:
    row = SlaPolicy.objects.filter(priority=priority).first()
    if row is None:
        return sla.DEFAULT_TARGETS.get(priority, sla.DEFAULT_TARGETS["normal"])
    return sla.SlaTargets(row.first_response_minutes, row.resolution_minutes, row.warning_minutes)


def get_conversation(conversation_id: int | str) -> Conversation:
    try:
        conversation_id = int(conversation_id)
    except (TypeError, ValueError):
        raise SupportError("conversation_not_found", status=404) from None
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    if conversation is None:
        raise SupportError("conversation_not_found", status=404)
    return conversation


def get_visitor_conversation(conversation_id: int | str, token: str) -> Conversation:
    """The conversation whose token this is; 401 for a missing or wrong token (and for an unknown
    id: a guesser learns nothing about which ids exist)."""
    conversation = Conversation.objects.filter(pk=conversation_id).first() if str(conversation_id).isdigit() else None
    if conversation is None or not tokens.token_matches(token or "", conversation.token_hash):
        raise SupportError("conversation_token_invalid", status=401)
    return conversation


def _find_customer(email: str, customer: "Customer | None" = None) -> "Customer | None":
    from dianpu.customers.models import Customer

    if customer is not None:
        return customer
    if not email:
        return None
    return Customer.objects.filter(email__iexact=email.strip(), erased_at__isnull=True).first()


def _find_order(order_number: str, email: str, customer: "Customer | None") -> "Order | None":
    """The order, linked only when it belongs to whoever writes (same e-mail or customer): a
    stranger's order number stays text on the ticket."""
    from dianpu.orders.models import Order

    number = (order_number or "").strip().upper()
    if not number:
        return None
    order = Order.objects.filter(number=number).first()
    if order is None:
        return None
    if (email and order.email.lower() == email.strip().lower()) or (customer and order.customer_id == customer.pk):
        return order
    return None


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise SupportError("message_required")
    if len(body) > MAX_MESSAGE_CHARS:
        raise SupportError("message_too_long", limit=MAX_MESSAGE_CHARS)
    return body


def _throttle(key: str) -> None:
    """Count the message first, then refuse it when over the budget: 20 a minute exactly, even when
    a flood arrives at once."""
    if ratelimit.refused(VISITOR_MESSAGES, [key]) or not ratelimit.take(VISITOR_MESSAGES, key):
        raise SupportError("too_many_messages", status=429)


def _visitor_key(conversation_id: int | None, ip: str | None) -> str:
    """One key per budget (two keys counted together would refuse more than the limit under a
    flood): a conversation's messages, or the conversations opened from one address."""
    return f"conversation:{conversation_id}" if conversation_id else ratelimit.client_key(ip)


# --- visitors ------------------------------------------------------------------------------------
def _new_conversation(
    *,
    channel: str,
    name: str,
    email: str,
    order_number: str = "",
    subject: str = "",
    customer: "Customer | None" = None,
    language: str = "zh-hans",
) -> tuple[Conversation, str]:
    now = clock.now()
    customer = _find_customer(email, customer)
    token = tokens.new_token()
    targets = sla_targets("normal")
    deadlines = sla.calculate_deadlines(now, targets)
    conversation = Conversation.objects.create(
        channel=channel,
        name=(name or "").strip()[:100],
        email=(email or "").strip()[:254],
        subject=(subject or "").strip()[:200],
        customer=customer,
        order=_find_order(order_number, email, customer),
        order_number=(order_number or "").strip()[:40],
        token_hash=tokens.hash_token(token),
        language=language[:10],
        created_at=now,
        last_message_at=now,
        first_response_due_at=deadlines.first_response_due,
        resolution_due_at=deadlines.resolution_due,
    )
    return conversation, token


def _valid_email(email: str) -> bool:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email((email or "").strip())
    except ValidationError:
        return False
    return True


def open_conversation(
    *,
    name: str,
    email: str,
    message: str,
    order_number: str = "",
    customer: "Customer | None" = None,
    ip: str | None = None,
    language: str = "zh-hans",
) -> tuple[Conversation, str]:
    """The storefront chat's first message: a new conversation, its token (shown once), queued for a
    human (round-robin among agents on duty)."""
    body = _clean_body(message)
    if not (name or "").strip() or not _valid_email(email):
        raise SupportError("name_or_email_required")
    _throttle(_visitor_key(None, ip))
    with transaction.atomic():
        conversation, token = _new_conversation(
            channel=states.Channel.CHAT,
            name=name,
            email=email,
            order_number=order_number,
            customer=customer,
            language=language,
            subject=body[:80],
        )
        Message.objects.create(
            conversation=conversation, sender=states.Sender.VISITOR, body=body, created_at=conversation.created_at
        )
        assign_round_robin(conversation)
    return conversation, token


def post_visitor_message(
    *, conversation: Conversation, message: str, ip: str | None = None, image: "UploadedFile[bytes] | None" = None
) -> Message:
    body = _clean_body(message) if (message or "").strip() or image is None else ""
    if conversation.status == states.Status.CLOSED:
        raise SupportError("conversation_closed", status=409)
    image_data = _checked_image(image) if image is not None else None
    _throttle(_visitor_key(conversation.pk, ip))
    with transaction.atomic():
        return _append(conversation, sender=states.Sender.VISITOR, body=body, image=image_data)


def _append(
    conversation: Conversation,
    *,
    sender: str,
    body: str,
    author: User | None = None,
    internal: bool = False,
    image: tuple[bytes, str, int, int, str] | None = None,
    email_message_id: str = "",
) -> Message:
    now = clock.now()
    message = Message.objects.create(
        conversation=conversation,
        sender=sender,
        author=author,
        body=body,
        internal=internal,
        created_at=now,
        email_message_id=email_message_id[:250],
    )
    if image is not None:
        data, content_type, width, height, extension = image
        attachment = Attachment(message=message, content_type=content_type, size=len(data), width=width, height=height)
        attachment.file.save(f"{secrets.token_hex(16)}.{extension}", ContentFile(data), save=False)
        attachment.save()
    if internal:
        return message
    updates: dict[str, Any] = {"last_message_at": now}
    if sender == states.Sender.VISITOR:
        new_status = states.status_after_visitor_message(conversation.status)
        if new_status != conversation.status:
            updates.update(status=new_status, resolved_at=None)
    elif sender == states.Sender.AGENT:
        updates["status"] = states.status_after_agent_reply(conversation.status)
        Conversation.objects.filter(pk=conversation.pk, first_response_at__isnull=True).update(first_response_at=now)
    Conversation.objects.filter(pk=conversation.pk).update(**updates)
    conversation.refresh_from_db()
    return message


# --- satisfaction (CSAT) after a conversation -------------------------------------------------------
MAX_SATISFACTION_COMMENT = 1000


def rate_conversation(*, conversation: Conversation, score: object, comment: str = "") -> Conversation:
    """The visitor's answer to "how did we do?" once the conversation is resolved (or closed): a
    score 1–5 and an optional comment, once; credited to the agent who has the conversation (else
    the last one who answered it). One
    conditional update, so two answers at once cannot both count."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise SupportError("satisfaction_score_invalid")
    comment = (comment or "").strip()
    if len(comment) > MAX_SATISFACTION_COMMENT:
        raise SupportError("message_too_long", limit=MAX_SATISFACTION_COMMENT)
    if conversation.status not in (states.Status.RESOLVED, states.Status.CLOSED):
        raise SupportError("satisfaction_not_resolved", status=409)
    # The agent who has the conversation; when nobody was assigned, the last one who answered.
    agent_id = conversation.assignee_id or (
        Message.objects.filter(conversation=conversation, sender=states.Sender.AGENT, author__isnull=False)
        .order_by("-id")
        .values_list("author_id", flat=True)
        .first()
    )
    updated = Conversation.objects.filter(
        pk=conversation.pk,
        satisfaction_score__isnull=True,
        status__in=[states.Status.RESOLVED, states.Status.CLOSED],
    ).update(
        satisfaction_score=score,
        satisfaction_comment=comment,
        satisfaction_at=clock.now(),
        satisfaction_agent_id=agent_id,
    )
    if not updated:
        raise SupportError("satisfaction_already_given", status=409)
    conversation.refresh_from_db()
    return conversation


# --- attachments: served by a view that checks who asks, never as public media --------------------
# Files live under MEDIA_ROOT/private/ (kept in backups with the other media), with random names;
# the /media/ route refuses private/, and a proxy that serves /media/ must refuse it too.
def get_visitor_attachment(attachment_id: int, *, token: str = "", signature: str = "") -> Attachment:
    """An attachment for the holder of a signed link (handed only to who may read the message), or
    of its conversation's token (never an internal note's); 404 alike for a wrong proof and a
    missing file."""
    attachment = Attachment.objects.select_related("message__conversation").filter(pk=attachment_id).first()
    allowed = attachment is not None and (
        (bool(signature) and queries.attachment_link_matches(attachment.pk, signature))  # issued to a reader
        or (
            bool(token)
            and not attachment.message.internal
            and tokens.token_matches(token, attachment.message.conversation.token_hash)
        )
    )
    if attachment is None or not allowed:
        raise SupportError("attachment_link_invalid", status=401)
    return attachment


def get_staff_attachment(attachment_id: int, *, actor: User) -> Attachment:
    """Any attachment, for staff who answer conversations (the edge checks the permission)."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise SupportError("attachment_not_found", status=404)
    return attachment


def _checked_image(upload: "UploadedFile[bytes]") -> tuple[bytes, str, int, int, str]:
    """An image attachment, refused by its declared size before a byte is read, then by what Pillow
    finds inside (not by its name or declared type)."""
    from dianpu.core.uploads import NotAnImage, UploadRefused, read_image

    try:
        image = read_image(upload, max_bytes=MAX_IMAGE_BYTES)
    except UploadRefused:
        raise SupportError("attachment_too_large", status=413, limit=MAX_IMAGE_BYTES // (1024 * 1024)) from None
    except NotAnImage:
        raise SupportError("attachment_not_image") from None
    return image.data, image.content_type, image.width, image.height, image.extension


def hand_over_from_bot(
    *, conversation_id: int | None, token: str | None, name: str, email: str, question: str, bot_answer: str
) -> tuple[int, str]:
    """The bot gives up or is asked for a human: the exchange goes into the visitor's conversation
    when id + token are valid, else into a new one (channel "bot"); queued for a human.
    Returns (conversation id, the new visitor token, or "" when the conversation was reused)."""
    conversation = None
    if conversation_id and token:
        candidate = Conversation.objects.filter(pk=conversation_id).first()
        if (
            candidate is not None
            and tokens.token_matches(token, candidate.token_hash)
            and candidate.status != states.Status.CLOSED
        ):
            conversation = candidate
    question = (question or "").strip()[:MAX_MESSAGE_CHARS] or "-"
    bot_answer = (bot_answer or "").strip()[:MAX_MESSAGE_CHARS]
    with transaction.atomic():
        new_token = ""
        if conversation is None:
            conversation, new_token = _new_conversation(
                channel=states.Channel.BOT,
                name=name or "",
                email=email if _valid_email(email) else "",
                subject=question[:80],
            )
        _append(conversation, sender=states.Sender.VISITOR, body=question)
        if bot_answer:
            _append(conversation, sender=states.Sender.BOT, body=bot_answer)
        Conversation.objects.filter(pk=conversation.pk).update(escalated=True, status=states.Status.OPEN)
        conversation.refresh_from_db()
        if conversation.assignee_id is None:
            assign_round_robin(conversation)
    return conversation.pk, new_token


# --- staff ---------------------------------------------------------------------------------------
def _is_agent(user: User | None) -> bool:
    return user is not None and user.is_active and user.is_staff and user.has_perm(ANSWER)


def post_agent_reply(
    *, conversation: Conversation, actor: User, message: str, image: "UploadedFile[bytes] | None" = None
) -> Message:
    body = _clean_body(message) if (message or "").strip() or image is None else ""
    if conversation.status == states.Status.CLOSED:
        raise SupportError("conversation_closed", status=409)
    image_data = _checked_image(image) if image is not None else None
    with transaction.atomic():
        reply = _append(conversation, sender=states.Sender.AGENT, body=body, author=actor, image=image_data)
        if conversation.assignee_id is None:
            Conversation.objects.filter(pk=conversation.pk, assignee__isnull=True).update(assignee=actor)
        if conversation.channel == states.Channel.EMAIL and conversation.email:
            transaction.on_commit(lambda: _queue_reply_email(reply.pk))
    return reply


def _queue_reply_email(message_id: int) -> None:
    from .tasks import send_reply_email  # tasks import services: late

    try:
        send_reply_email(message_id)
    except Exception:  # a mail outage never undoes the reply
        log.exception("could not queue support reply e-mail", extra={"message_id": message_id})


def add_internal_note(*, conversation: Conversation, actor: User, note: str) -> Message:
    body = _clean_body(note)
    with transaction.atomic():
        return _append(conversation, sender=states.Sender.AGENT, body=body, author=actor, internal=True)


@transaction.atomic
def assign_conversation(
    *, conversation: Conversation, assignee: User | None, actor: User, ip_address: str | None = None
) -> Conversation:
    if assignee is not None and not _is_agent(assignee):
        raise SupportError("assignee_not_agent")
    before = conversation.assignee
    Conversation.objects.filter(pk=conversation.pk).update(assignee=assignee)
    if assignee is not None:
        AgentDuty.objects.update_or_create(user=assignee, defaults={"last_assigned_at": clock.now()})
    record_audit(
        actor=actor,
        action="support.assigned",
        obj=conversation,
        ip_address=ip_address,
        changes={"assignee": (before.get_username() if before else "", assignee.get_username() if assignee else "")},
    )
    conversation.refresh_from_db()
    return conversation


def assign_round_robin(conversation: Conversation) -> User | None:
    """Give the conversation to the agent on duty whose turn it is (none on duty: stays queued)."""
    duties = list(AgentDuty.objects.filter(on_duty=True, user__is_active=True).select_related("user"))
    turns = [AgentTurn(d.user_id, d.last_assigned_at) for d in duties if _is_agent(d.user)]
    chosen = pick_next_agent(turns)
    if chosen is None:
        return None
    now = clock.now()
    if not Conversation.objects.filter(pk=conversation.pk, assignee__isnull=True).update(assignee_id=chosen):
        return None
    AgentDuty.objects.filter(user_id=chosen).update(last_assigned_at=now)
    conversation.assignee_id = chosen
    return get_user_model().objects.get(pk=chosen)


@transaction.atomic
def set_on_duty(*, user: User, on_duty: bool) -> AgentDuty:
    if on_duty and not _is_agent(user):
        raise SupportError("assignee_not_agent")
    duty, _created = AgentDuty.objects.update_or_create(user=user, defaults={"on_duty": on_duty})
    record_audit(actor=user, action="support.on_duty" if on_duty else "support.off_duty", obj=user)
    return duty


@transaction.atomic
def change_status(
    *, conversation: Conversation, status: str, actor: User, ip_address: str | None = None
) -> Conversation:
    if status not in states.Status._value2member_map_:
        raise SupportError("status_unknown")
    current = conversation.status
    if not states.can_change_status(current, status):
        raise SupportError(
            "status_not_allowed",
            status=409,
            current=Conversation.Status(current).label,
            wanted=Conversation.Status(status).label,
        )
    now = clock.now()
    fields: dict[str, Any] = {"status": status}
    if status in (states.Status.RESOLVED, states.Status.CLOSED):
        fields["resolved_at"] = conversation.resolved_at or now
    elif status == states.Status.OPEN:
        fields["resolved_at"] = None
    if not Conversation.objects.filter(pk=conversation.pk, status=current).update(**fields):
        raise SupportError(
            "status_not_allowed",
            status=409,
            current=Conversation.Status(current).label,
            wanted=Conversation.Status(status).label,
        )
    record_audit(
        actor=actor,
        action="support.status_changed",
        obj=conversation,
        ip_address=ip_address,
        changes={"status": (current, status)},
    )
    conversation.refresh_from_db()
    return conversation


@transaction.atomic
def set_priority(*, conversation: Conversation, priority: str, actor: User) -> Conversation:
    if priority not in Conversation.Priority.values:
        raise SupportError("priority_unknown")
    deadlines = sla.calculate_deadlines(conversation.created_at, sla_targets(priority))
    Conversation.objects.filter(pk=conversation.pk).update(
        priority=priority,
        first_response_due_at=deadlines.first_response_due,
        resolution_due_at=deadlines.resolution_due,
    )
    record_audit(
        actor=actor,
        action="support.priority_changed",
        obj=conversation,
        changes={"priority": (conversation.priority, priority)},
    )
    conversation.refresh_from_db()
    return conversation


@transaction.atomic
def set_tags(*, conversation: Conversation, tags: Iterable[object] | None, actor: User) -> Conversation:
    cleaned = states.clean_tags(tags)
    Conversation.objects.filter(pk=conversation.pk).update(tags=cleaned)
    conversation.refresh_from_db()
    return conversation


@transaction.atomic
def set_sla_policy(
    *, priority: str, first_response_minutes: int, resolution_minutes: int, warning_minutes: int, actor: User
) -> SlaPolicy:
    if priority not in Conversation.Priority.values:
        raise SupportError("priority_unknown")
    row, _created = SlaPolicy.objects.update_or_create(
        priority=priority,
        defaults={
            "first_response_minutes": max(1, min(int(first_response_minutes), 100_000)),
            "resolution_minutes": max(1, min(int(resolution_minutes), 100_000)),
            "warning_minutes": max(0, min(int(warning_minutes), 100_000)),
        },
    )
    record_audit(actor=actor, action="support.sla_changed", obj=row, object_repr=priority)
    return row


# --- complaints ------------------------------------------------------------------------------------
@transaction.atomic
def classify_complaint(
    *, conversation: Conversation, cause: str, product_slug: str = "", carrier: str = "", actor: User
) -> Conversation:
    from dianpu.catalog.models import Product

    if cause and cause not in Conversation.ComplaintCause.values:
        raise SupportError("complaint_cause_unknown")
    product = None
    if product_slug:
        product = Product.objects.filter(slug=product_slug).first()
        if product is None:
            raise SupportError("product_not_found", status=404)
    Conversation.objects.filter(pk=conversation.pk).update(
        complaint_cause=cause or "", complaint_product=product, complaint_carrier=(carrier or "").strip()[:40]
    )
    record_audit(
        actor=actor,
        action="support.complaint_classified",
        obj=conversation,
        changes={"complaint_cause": (conversation.complaint_cause, cause or "")},
    )
    conversation.refresh_from_db()
    return conversation


# --- canned replies ------------------------------------------------------------------------------
def _check_canned(title: str, body_zh: str, body_en: str) -> None:
    if not (title or "").strip() or not (body_zh or "").strip():
        raise SupportError("canned_reply_invalid")
    unknown = unknown_variables(body_zh) + unknown_variables(body_en or "")
    if unknown:
        raise SupportError("canned_reply_unknown_variable", names=", ".join(sorted(set(unknown))))


@transaction.atomic
def create_canned_reply(*, title: str, category: str, body_zh: str, body_en: str = "", actor: User) -> CannedReply:
    _check_canned(title, body_zh, body_en)
    reply = CannedReply.objects.create(
        title=title.strip()[:100],
        category=(category or "").strip()[:50],
        body_zh=body_zh.strip(),
        body_en=(body_en or "").strip(),
        created_at=clock.now(),
    )
    record_audit(actor=actor, action="support.canned_reply_created", obj=reply, object_repr=reply.title)
    return reply


def canned_values(conversation: Conversation, site_url: str = "") -> dict[str, str]:
    from django.conf import settings

    order = conversation.order
    link = ""
    if order is not None:
        from urllib.parse import urlencode

        query = urlencode({"number": order.number, "email": order.email})
        link = f"{(site_url or settings.SITE_URL).rstrip('/')}/orders/status/?{query}"
    return {
        "customer_name": conversation.name or (conversation.customer.name if conversation.customer else ""),
        "order_number": order.number if order else conversation.order_number,
        "tracking_link": link,
    }


def use_canned_reply(*, reply_id: int, conversation: Conversation) -> str:
    """The reply's text for this conversation (its language, variables filled); counts one use."""
    reply = CannedReply.objects.filter(pk=reply_id).first()
    if reply is None:
        raise SupportError("canned_reply_not_found", status=404)
    body = reply.body_en if conversation.language.startswith("en") and reply.body_en else reply.body_zh
    CannedReply.objects.filter(pk=reply.pk).update(usage_count=F("usage_count") + 1)
    return render_canned_reply(body, canned_values(conversation))


def staff_can_answer(user: User | None) -> bool:
    return _is_agent(user)


# --- e-mail in -----------------------------------------------------------------------------------
MAX_INBOUND_EMAIL_BYTES = 10 * 1024 * 1024


def receive_inbound_email(*, raw: bytes) -> Conversation:
    """A forwarded RFC 822 message: threaded into its conversation by the reference in the subject
    ([DP-S123]) or by In-Reply-To / References naming one of our replies — only when it comes from
    the conversation's own address — else a new e-mail conversation. The same Message-ID twice is
    stored once. A message that is not one (no sender, no text) is refused."""
    from .domain.inbound import InboundEmailError, parse_inbound_email

    try:
        parsed = parse_inbound_email(raw)
    except InboundEmailError as exc:
        raise SupportError("inbound_email_invalid", status=400, reason=exc.reason) from None
    if parsed.message_id:
        seen = Message.objects.filter(email_message_id=parsed.message_id).select_related("conversation").first()
        if seen is not None:
            return seen.conversation
    conversation = _thread_for(parsed)
    with transaction.atomic():
        if conversation is None or conversation.status == states.Status.CLOSED:
            conversation, _token = _new_conversation(
                channel=states.Channel.EMAIL, name=parsed.sender_name, email=parsed.sender, subject=parsed.subject
            )
            _append(conversation, sender=states.Sender.VISITOR, body=parsed.text, email_message_id=parsed.message_id)
            assign_round_robin(conversation)
        else:
            _append(conversation, sender=states.Sender.VISITOR, body=parsed.text, email_message_id=parsed.message_id)
    return conversation


def _thread_for(parsed: "InboundEmail") -> Conversation | None:
    candidates = []
    if parsed.reference_id:
        candidates.append(Conversation.objects.filter(pk=parsed.reference_id).first())
    for ref in parsed.in_reply_to:
        message = Message.objects.filter(email_message_id=ref).select_related("conversation").first()
        if message is not None:
            candidates.append(message.conversation)
    for conversation in candidates:
        if conversation is not None and conversation.email.lower() == parsed.sender.lower():
            return conversation
    return None


def reply_email_message_id(message: Message) -> str:
    from django.conf import settings

    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "dianpu.local"
    return f"<support-{message.conversation_id}-{message.pk}@{host}>"


def send_reply_email(message_id: int) -> None:
    """One agent reply as an e-mail to the conversation's address, threaded by its subject reference
    and In-Reply-To. Outside any transaction; marked sent first (a conditional update), so two runs
    never both send it; a failed send clears the mark for the retry."""
    from django.conf import settings
    from django.core.mail import EmailMessage

    from dianpu.core.outbound import ensure_outside_transaction

    message = (
        Message.objects.select_related("conversation").filter(pk=message_id, sender="agent", internal=False).first()
    )
    if message is None or message.email_message_id:
        return
    conversation = message.conversation
    own_id = reply_email_message_id(message)
    if not Message.objects.filter(pk=message.pk, email_message_id="").update(email_message_id=own_id):
        return
    ensure_outside_transaction("e-mail support reply")
    last_in = (
        conversation.messages.filter(sender="visitor")
        .exclude(email_message_id="")
        .order_by("-id")
        .values_list("email_message_id", flat=True)
        .first()
    )
    subject = conversation.subject or str(conversation.reference)
    if conversation.reference not in subject:
        subject = f"Re: {subject} {conversation.reference}"
    headers = {"Message-ID": own_id}
    if last_in:
        headers.update({"In-Reply-To": last_in, "References": last_in})
    try:
        EmailMessage(subject, message.body, settings.DEFAULT_FROM_EMAIL, [conversation.email], headers=headers).send()
    except Exception:
        Message.objects.filter(pk=message.pk).update(email_message_id="")  # not sent: the retry sends it
        raise


# --- the agent's daily log (客服日志) ---------------------------------------------------------------
def day_bounds(day: date) -> tuple[datetime, datetime]:
    from datetime import time, timedelta

    from django.utils import timezone

    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def _day_facts(agent: User, day: date) -> "DayFacts":
    from .domain.review import summarise_day

    start, end = day_bounds(day)
    handled_ids = set(
        Message.objects.filter(author=agent, sender="agent", created_at__gte=start, created_at__lt=end).values_list(
            "conversation_id", flat=True
        )
    )
    rows = list(
        Conversation.objects.filter(pk__in=handled_ids).values("tags", "subject", "escalated", "complaint_cause")
    )
    still_open = Conversation.objects.filter(assignee=agent, status__in=("open", "pending")).count()
    return summarise_day(rows, still_open)


@transaction.atomic
def draft_daily_log(*, agent: User, day: date | None = None) -> AgentLog:
    """The agent's log for `day` (today by default), its figures drafted afresh while it is a draft."""
    from django.utils import timezone

    day = day or timezone.localtime(clock.now()).date()
    log, _created = AgentLog.objects.get_or_create(agent=agent, day=day)
    if log.status == AgentLog.Status.DRAFT:
        facts = _day_facts(agent, day)
        AgentLog.objects.filter(pk=log.pk, status=AgentLog.Status.DRAFT).update(
            handled=facts.handled,
            still_open=facts.still_open,
            escalated=facts.escalated,
            complaints=facts.complaints,
            top_tags=facts.top_tags,
            common_questions=facts.common_questions,
        )
        log.refresh_from_db()
    return log


@transaction.atomic
def submit_daily_log(*, log: AgentLog, agent: User, notes: str) -> AgentLog:
    if log.agent_id != agent.pk:
        raise SupportError("log_not_yours", status=403)
    log = draft_daily_log(agent=agent, day=log.day)
    if not AgentLog.objects.filter(pk=log.pk, status=AgentLog.Status.DRAFT).update(
        notes=(notes or "").strip()[:5000], status=AgentLog.Status.SUBMITTED, submitted_at=clock.now()
    ):
        raise SupportError("log_already_submitted", status=409)
    log.refresh_from_db()
    return log


@transaction.atomic
def review_daily_log(*, log: AgentLog, reviewer: User, comment: str, ip_address: str | None = None) -> AgentLog:
    if not AgentLog.objects.filter(pk=log.pk, status=AgentLog.Status.SUBMITTED).update(
        status=AgentLog.Status.REVIEWED,
        reviewer=reviewer,
        review_comment=(comment or "").strip()[:5000],
        reviewed_at=clock.now(),
    ):
        raise SupportError("log_not_submitted", status=409)
    record_audit(
        actor=reviewer,
        action="support.log_reviewed",
        obj=log,
        object_repr=f"{log.agent} {log.day}",
        ip_address=ip_address,
    )
    log.refresh_from_db()
    return log


# --- chat review (质检) -----------------------------------------------------------------------------
SAMPLE_PER_AGENT = 3


@transaction.atomic
def sample_week_for_review(
    *, week: date | None = None, per_agent: int = SAMPLE_PER_AGENT, actor: User | None = None
) -> int:
    """Draw the week's sample: up to `per_agent` conversations each agent answered that week (the same
    draw every time for the same week), with banned words already found. Returns how many were added."""
    from datetime import timedelta

    from django.utils import timezone

    from .domain.review import find_banned_words, pick_sample, week_start

    week = week_start(week or timezone.localtime(clock.now()).date())
    start, _end = day_bounds(week)
    end = start + timedelta(days=7)
    replies = Message.objects.filter(
        sender="agent", internal=False, author__isnull=False, created_at__gte=start, created_at__lt=end
    )
    by_agent: dict[int, set[int]] = {}
    for author_id, conversation_id in replies.values_list("author_id", "conversation_id").distinct()[:20_000]:
        by_agent.setdefault(author_id, set()).add(conversation_id)
    added = 0
    now = clock.now()
    for agent_id, conversation_ids in sorted(by_agent.items()):
        for conversation_id in pick_sample(list(conversation_ids), per_agent, f"{week.isoformat()}:{agent_id}"):
            texts = replies.filter(author_id=agent_id, conversation_id=conversation_id).values_list("body", flat=True)
            _review, created = ChatReview.objects.get_or_create(
                conversation_id=conversation_id,
                week=week,
                defaults={"agent_id": agent_id, "banned_words": find_banned_words(list(texts)), "created_at": now},
            )
            added += created
    if added:
        record_audit(
            actor=actor,
            action="support.review_sampled",
            object_type="support.chatreview",
            object_id=week.isoformat(),
            object_repr=f"{week} ({added})",
        )
    return added


@transaction.atomic
def score_chat_review(
    *, review: ChatReview, reviewer: User, scores: dict[str, Any], comment: str = "", ip_address: str | None = None
) -> ChatReview:
    from .domain.review import CHECKLIST, is_valid_score

    cleaned: dict[str, int | None] = {}
    for key in CHECKLIST:
        try:
            value = int(scores[key])
        except (KeyError, TypeError, ValueError):
            value = None
        if not is_valid_score(value):
            raise SupportError("review_score_invalid")
        cleaned[key] = value
    ChatReview.objects.filter(pk=review.pk).update(
        **cleaned, comment=(comment or "").strip()[:5000], reviewer=reviewer, scored_at=clock.now()
    )
    review.refresh_from_db()
    record_audit(
        actor=reviewer,
        action="support.review_scored",
        obj=review,
        object_repr=f"#{review.conversation_id} {review.score}",
        ip_address=ip_address,
    )
    return review


def poll_support_mailbox() -> int:
    """The worker's IMAP poll (when DIANPU_SUPPORT_IMAP_URL is set): each unseen message into the desk;
    a message that is not one is logged and flagged seen (it would be refused every time)."""
    from django.conf import settings

    from .mailbox import poll_mailbox

    url = getattr(settings, "SUPPORT_IMAP_URL", "")
    if not url:
        return 0

    def handle(raw: bytes) -> None:
        try:
            receive_inbound_email(raw=raw)
        except SupportError as exc:
            log.warning("support mailbox: message refused (%s)", exc.code)

    return poll_mailbox(url, handle)
