"""Service desk endpoints.

The storefront chat (no staff token): open a conversation, then read and add messages with the
`X-Conversation-Token` header the opening answer gave. Staff with a bearer token and
`support.answer_conversations` (owner, operator, agent) read and answer the same conversations,
list, assign, tag, change status, add internal notes. The inbound-mail door takes a raw RFC 822
message with the shared secret `DIANPU_INBOUND_EMAIL_SECRET`.
"""

from datetime import datetime
from typing import Annotated

from django.conf import settings
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from dianpu.accounts.auth import StaffToken, require_perm, user_from_bearer
from dianpu.accounts.domain import roles
from dianpu.core.http import client_ip
from dianpu.core.visitor_tokens import hash_token, token_matches

from . import queries, services
from .domain.errors import SupportError

router = Router(tags=["support"])
TOKEN_HEADER = "X-Conversation-Token"
Cursor = Annotated[int, Field(ge=0, le=2**62, description="the last message id already shown")]
Limit = Annotated[int, Field(ge=1, le=100)]
Offset = Annotated[int, Field(ge=0, le=100_000)]


class Problem(Schema):
    code: str
    detail: str


class ConversationIn(Schema):
    name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    message: str = Field("", max_length=services.MAX_MESSAGE_CHARS)
    order_number: str | None = Field(None, max_length=40)


class ConversationCreated(Schema):
    id: int
    token: str


class MessageIn(Schema):
    message: str = Field("", max_length=services.MAX_MESSAGE_CHARS)


class AttachmentOut(Schema):
    url: str
    content_type: str
    width: int
    height: int


class MessageOut(Schema):
    id: int
    sender: str
    author: str
    body: str  # raw text: show it as text, never as HTML
    internal: bool
    created_at: datetime
    attachments: list[AttachmentOut]


class MessageList(Schema):
    status: str
    satisfaction_score: int | None = Field(None, description="the visitor's rating (1–5) once given")
    items: list[MessageOut]


class SatisfactionIn(Schema):
    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=1000)


class SatisfactionOut(Schema):
    score: int
    comment: str


class SlaOut(Schema):
    first_response: str
    resolution: str
    first_response_minutes_left: int | None
    resolution_minutes_left: int | None


class ConversationOut(Schema):
    id: int
    channel: str
    status: str
    priority: str
    subject: str
    name: str
    email: str
    order_number: str
    order_linked: bool
    customer_id: int | None
    assignee: str
    tags: list[str]
    complaint_cause: str
    created_at: datetime
    last_message_at: datetime
    sla: SlaOut


class ConversationList(Schema):
    items: list[ConversationOut]


class AssignIn(Schema):
    assignee: str | None = Field(None, max_length=150)  # a username; null: nobody
    round_robin: bool = False


class StatusIn(Schema):
    status: str = Field(max_length=20)


class PriorityIn(Schema):
    priority: str = Field(max_length=20)


class TagsIn(Schema):
    tags: list[str] = Field(default_factory=list, max_length=50)


class ConversationNoteIn(Schema):
    note: str = Field("", max_length=services.MAX_MESSAGE_CHARS)


class ComplaintIn(Schema):
    cause: str = Field("", max_length=20)
    product: str = Field("", max_length=200)  # slug
    carrier: str = Field("", max_length=40)


class DutyIn(Schema):
    on_duty: bool


class DutyOut(Schema):
    on_duty: bool


class CannedReplyIn(Schema):
    title: str = Field("", max_length=100)
    category: str = Field("", max_length=50)
    body_zh: str = Field("", max_length=services.MAX_MESSAGE_CHARS)
    body_en: str = Field("", max_length=services.MAX_MESSAGE_CHARS)


class CannedReplyOut(Schema):
    id: int
    title: str
    category: str
    body_zh: str
    body_en: str
    usage_count: int


class CannedReplyText(Schema):
    text: str


class Created(Schema):
    id: int


def _message_out(m) -> dict:
    return {
        "id": m.pk,
        "sender": m.sender,
        "author": m.author.get_username() if m.author_id and m.author else "",
        "body": m.body,
        "internal": m.internal,
        "created_at": m.created_at,
        "attachments": [
            {"url": queries.attachment_url(a), "content_type": a.content_type, "width": a.width, "height": a.height}
            for a in m.attachments.all()
        ],
    }


def _visitor_message_out(m) -> dict:
    out = _message_out(m)
    out["author"] = ""  # visitors see "客服", not the agent's login
    return out


def conversation_out(c, targets=None) -> dict:
    state = queries.get_sla_status(c, targets=targets.get(c.priority) if targets else None)
    return {
        "id": c.pk,
        "channel": c.channel,
        "status": c.status,
        "priority": c.priority,
        "subject": c.subject,
        "name": c.name,
        "email": c.email,
        "order_number": c.order.number if c.order_id else c.order_number,
        "order_linked": c.order_id is not None,
        "customer_id": c.customer_id,
        "assignee": c.assignee.get_username() if c.assignee_id else "",
        "tags": list(c.tags or []),
        "complaint_cause": c.complaint_cause,
        "created_at": c.created_at,
        "last_message_at": c.last_message_at,
        "sla": {
            "first_response": state.first_response,
            "resolution": state.resolution,
            "first_response_minutes_left": state.first_response_minutes_left,
            "resolution_minutes_left": state.resolution_minutes_left,
        },
    }


def _signed_in_customer(request):
    """The storefront's signed-in customer of this session (the keys storefront/account.py writes),
    checked against their password hash like the storefront does; None for a guest."""
    from dianpu.customers.models import Customer
    from dianpu.customers.services import session_hash

    session = getattr(request, "session", None)
    customer_id = session.get("customer_id") if session is not None else None
    if not customer_id:
        return None
    customer = Customer.objects.filter(pk=customer_id, erased_at__isnull=True).exclude(password="").first()
    if customer is None or session.get("customer_hash") != session_hash(customer):
        return None
    return customer


def _caller(request, conversation_id: int):
    """(conversation, staff user or None): the visitor by token, else staff by bearer token."""
    token = request.headers.get(TOKEN_HEADER, "")
    if token:
        return services.get_visitor_conversation(conversation_id, token), None
    if request.headers.get("Authorization", ""):
        user = user_from_bearer(request)
        if user is not None:
            require_perm(user, roles.ANSWER_CONVERSATIONS)
            return services.get_conversation(conversation_id), user
    raise SupportError("conversation_token_invalid", status=401)


def _staff_conversation(request, conversation_id: int):
    require_perm(request.user, roles.ANSWER_CONVERSATIONS)
    return services.get_conversation(conversation_id)


# --- the storefront chat (and staff on the same conversation) -------------------------------------
@router.post(
    "/support/conversations",
    response={201: ConversationCreated, 422: Problem, 429: Problem},
    summary="Open a conversation from the storefront chat (no token); the answer's token reads it",
)
def open_conversation(request, payload: ConversationIn):
    conversation, token = services.open_conversation(
        name=payload.name,
        email=payload.email,
        message=payload.message,
        order_number=payload.order_number or "",
        customer=_signed_in_customer(request),
        ip=client_ip(request),
        language=getattr(request, "LANGUAGE_CODE", "zh-hans") or "zh-hans",
    )
    return Status(201, {"id": conversation.pk, "token": token})


@router.get(
    "/support/conversations/{conversation_id}/messages",
    response={200: MessageList, 401: Problem, 403: Problem, 404: Problem},
    summary="A conversation's messages after `after` (header X-Conversation-Token, or a staff token)",
)
def list_messages(request, conversation_id: int, after: Cursor = 0):
    conversation, staff = _caller(request, conversation_id)
    rows = queries.list_messages(conversation, after=after, include_internal=staff is not None)
    shape = _message_out if staff is not None else _visitor_message_out
    return {
        "status": conversation.status,
        "satisfaction_score": conversation.satisfaction_score,
        "items": [shape(m) for m in rows],
    }


@router.post(
    "/support/conversations/{conversation_id}/satisfaction",
    response={200: SatisfactionOut, 401: Problem, 409: Problem, 422: Problem},
    summary="The visitor rates a resolved conversation 1–5, once (header X-Conversation-Token)",
)
def rate_conversation(request, conversation_id: int, payload: SatisfactionIn):
    conversation = services.get_visitor_conversation(conversation_id, request.headers.get(TOKEN_HEADER, ""))
    conversation = services.rate_conversation(conversation=conversation, score=payload.score, comment=payload.comment)
    return {"score": conversation.satisfaction_score, "comment": conversation.satisfaction_comment}


@router.post(
    "/support/conversations/{conversation_id}/messages",
    response={201: MessageOut, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem, 429: Problem},
    summary="Add a message (the visitor with X-Conversation-Token, or staff answering)",
)
def post_message(request, conversation_id: int, payload: MessageIn):
    conversation, staff = _caller(request, conversation_id)
    if staff is None:
        message = services.post_visitor_message(
            conversation=conversation, message=payload.message, ip=client_ip(request)
        )
        return Status(201, _visitor_message_out(message))
    message = services.post_agent_reply(conversation=conversation, actor=staff, message=payload.message)
    return Status(201, _message_out(message))


@router.post(
    "/support/conversations/{conversation_id}/attachments",
    response={
        201: MessageOut,
        401: Problem,
        403: Problem,
        404: Problem,
        409: Problem,
        413: Problem,
        422: Problem,
        429: Problem,
    },
    summary="Send an image (JPEG, PNG, GIF, WebP; at most 5 MB) as a message",
)
def post_attachment(request, conversation_id: int, file: File[UploadedFile]):
    conversation, staff = _caller(request, conversation_id)
    if staff is None:
        message = services.post_visitor_message(
            conversation=conversation, message="", image=file, ip=client_ip(request)
        )
        return Status(201, _visitor_message_out(message))
    return Status(
        201, _message_out(services.post_agent_reply(conversation=conversation, actor=staff, message="", image=file))
    )


@router.get(
    "/support/attachments/{attachment_id}",
    url_name="support-attachment",
    response={200: None, 401: Problem, 403: Problem, 404: Problem},
    summary="An attachment's image: with the `sig` of the link a message gave, the conversation's "
    "X-Conversation-Token, or a staff token or console session (support.answer_conversations)",
)
def get_attachment(request, attachment_id: int, sig: str = Query("", max_length=200)):
    from django.http import FileResponse

    token = request.headers.get(TOKEN_HEADER, "")
    staff = user_from_bearer(request) if request.headers.get("Authorization", "") else None
    if staff is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        staff = request.user
    if sig or token or staff is None:
        attachment = services.get_visitor_attachment(attachment_id, token=token, signature=sig)
    else:
        require_perm(staff, roles.ANSWER_CONVERSATIONS)
        attachment = services.get_staff_attachment(attachment_id, actor=staff)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise SupportError("attachment_not_found", status=404) from None
    extension = attachment.file.name.rsplit(".", 1)[-1] if "." in attachment.file.name else "bin"
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = f'inline; filename="attachment-{attachment.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- staff --------------------------------------------------------------------------------------
@router.get(
    "/support/conversations",
    auth=StaffToken(),
    response={200: ConversationList, 403: Problem},
    summary="The inbox (max 100): filter by status, assignee (username or `me`), unassigned, tag, channel, search",
)
def list_conversations(
    request,
    status: str = "",
    assignee: str = "",
    unassigned: bool = False,
    tag: str = "",
    channel: str = "",
    search: str = "",
    complaint: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
):
    require_perm(request.user, roles.ANSWER_CONVERSATIONS)
    assignee_id = None
    if assignee == "me":
        assignee_id = request.user.pk
    elif assignee:
        from django.contrib.auth import get_user_model

        assignee_id = get_user_model().objects.filter(username=assignee).values_list("pk", flat=True).first() or -1
    rows = queries.list_conversations(
        status=status,
        assignee_id=assignee_id,
        unassigned=unassigned,
        tag=tag,
        channel=channel,
        search=search[:100],
        complaint=complaint,
        limit=limit,
        offset=offset,
    )
    targets = queries.targets_by_priority()
    return {"items": [conversation_out(c, targets) for c in rows]}


@router.get(
    "/support/conversations/{conversation_id}",
    auth=StaffToken(),
    response={200: ConversationOut, 403: Problem, 404: Problem},
    summary="One conversation, with its SLA",
)
def get_conversation(request, conversation_id: int):
    return conversation_out(_staff_conversation(request, conversation_id))


@router.post(
    "/support/conversations/{conversation_id}/assign",
    auth=StaffToken(),
    response={200: ConversationOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Assign to an agent (username), to nobody (null), or to the next agent on duty",
)
def assign(request, conversation_id: int, payload: AssignIn):
    conversation = _staff_conversation(request, conversation_id)
    if payload.round_robin:
        services.assign_conversation(
            conversation=conversation, assignee=None, actor=request.user, ip_address=client_ip(request)
        )
        if services.assign_round_robin(conversation) is None:
            raise SupportError("no_agent_on_duty", status=409)
        conversation.refresh_from_db()
        return conversation_out(conversation)
    assignee = None
    if payload.assignee:
        from django.contrib.auth import get_user_model

        assignee = get_user_model().objects.filter(username=payload.assignee).first()
        if assignee is None:
            raise SupportError("assignee_not_agent")
    return conversation_out(
        services.assign_conversation(
            conversation=conversation, assignee=assignee, actor=request.user, ip_address=client_ip(request)
        )
    )


@router.post(
    "/support/conversations/{conversation_id}/status",
    auth=StaffToken(),
    response={200: ConversationOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="Change the status (open, pending, resolved, closed)",
)
def change_status(request, conversation_id: int, payload: StatusIn):
    conversation = _staff_conversation(request, conversation_id)
    return conversation_out(
        services.change_status(
            conversation=conversation, status=payload.status, actor=request.user, ip_address=client_ip(request)
        )
    )


@router.post(
    "/support/conversations/{conversation_id}/priority",
    auth=StaffToken(),
    response={200: ConversationOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Change the priority (its SLA deadlines follow)",
)
def change_priority(request, conversation_id: int, payload: PriorityIn):
    conversation = _staff_conversation(request, conversation_id)
    return conversation_out(
        services.set_priority(conversation=conversation, priority=payload.priority, actor=request.user)
    )


@router.post(
    "/support/conversations/{conversation_id}/tags",
    auth=StaffToken(),
    response={200: ConversationOut, 403: Problem, 404: Problem},
    summary="Replace the tags",
)
def set_tags(request, conversation_id: int, payload: TagsIn):
    conversation = _staff_conversation(request, conversation_id)
    return conversation_out(services.set_tags(conversation=conversation, tags=payload.tags, actor=request.user))


@router.post(
    "/support/conversations/{conversation_id}/notes",
    auth=StaffToken(),
    response={201: MessageOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Add an internal note (staff only; never shown to the customer)",
)
def add_note(request, conversation_id: int, payload: ConversationNoteIn):
    conversation = _staff_conversation(request, conversation_id)
    return Status(
        201, _message_out(services.add_internal_note(conversation=conversation, actor=request.user, note=payload.note))
    )


@router.post(
    "/support/conversations/{conversation_id}/complaint",
    auth=StaffToken(),
    response={200: ConversationOut, 403: Problem, 404: Problem, 422: Problem},
    summary="Classify as a complaint by cause (product, logistics, service, price; empty: not one)",
)
def classify_complaint(request, conversation_id: int, payload: ComplaintIn):
    conversation = _staff_conversation(request, conversation_id)
    return conversation_out(
        services.classify_complaint(
            conversation=conversation,
            cause=payload.cause,
            product_slug=payload.product,
            carrier=payload.carrier,
            actor=request.user,
        )
    )


@router.post(
    "/support/duty",
    auth=StaffToken(),
    response={200: DutyOut, 403: Problem, 422: Problem},
    summary="Go on or off duty (round-robin gives new conversations to agents on duty)",
)
def set_duty(request, payload: DutyIn):
    require_perm(request.user, roles.ANSWER_CONVERSATIONS)
    return {"on_duty": services.set_on_duty(user=request.user, on_duty=payload.on_duty).on_duty}


@router.get(
    "/support/canned-replies",
    auth=StaffToken(),
    response={200: list[CannedReplyOut], 403: Problem},
    summary="Canned replies (话术库), max 200",
)
def list_canned_replies(request, category: str = ""):
    require_perm(request.user, roles.ANSWER_CONVERSATIONS)
    return [
        {
            "id": r.pk,
            "title": r.title,
            "category": r.category,
            "body_zh": r.body_zh,
            "body_en": r.body_en,
            "usage_count": r.usage_count,
        }
        for r in queries.list_canned_replies(category=category[:50])
    ]


@router.post(
    "/support/canned-replies",
    auth=StaffToken(),
    response={201: Created, 403: Problem, 422: Problem},
    summary="Add a canned reply; variables {customer_name}, {order_number}, {tracking_link}",
)
def create_canned_reply(request, payload: CannedReplyIn):
    require_perm(request.user, roles.ANSWER_CONVERSATIONS)
    reply = services.create_canned_reply(
        title=payload.title,
        category=payload.category,
        body_zh=payload.body_zh,
        body_en=payload.body_en,
        actor=request.user,
    )
    return Status(201, {"id": reply.pk})


@router.post(
    "/support/conversations/{conversation_id}/canned-replies/{reply_id}",
    auth=StaffToken(),
    response={200: CannedReplyText, 403: Problem, 404: Problem},
    summary="A canned reply filled in for this conversation (counts one use)",
)
def fill_canned_reply(request, conversation_id: int, reply_id: int):
    conversation = _staff_conversation(request, conversation_id)
    return {"text": services.use_canned_reply(reply_id=reply_id, conversation=conversation)}


# --- e-mail in ----------------------------------------------------------------------------------
@router.post(
    "/support/inbound-email",
    response={201: Created, 400: Problem, 401: Problem, 413: Problem},
    summary="A forwarded e-mail (raw RFC 822 body; header X-Inbound-Secret or ?secret=)",
)
def inbound_email(request, secret: str = ""):
    from dianpu.core.uploads import UploadLimits, check_request_size

    configured = getattr(settings, "INBOUND_EMAIL_SECRET", "")
    given = request.headers.get("X-Inbound-Secret", "") or secret
    if not configured or not given or not token_matches(given, _hash(configured)):
        raise SupportError("inbound_email_forbidden", status=401)
    check_request_size(request, UploadLimits(max_bytes=services.MAX_INBOUND_EMAIL_BYTES))
    conversation = services.receive_inbound_email(raw=request.body)
    return Status(201, {"id": conversation.pk})


def _hash(secret: str) -> str:
    return hash_token(secret)
