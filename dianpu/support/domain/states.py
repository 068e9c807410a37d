"""Conversation statuses, channels, senders, priorities, and which status may follow which."""

from collections.abc import Iterable
from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"  # waiting for the shop
    PENDING = "pending"  # waiting for the customer
    RESOLVED = "resolved"  # answered; reopens when the customer writes again
    CLOSED = "closed"  # done for good; a new message opens a new conversation


class Channel(StrEnum):
    CHAT = "chat"
    EMAIL = "email"
    BOT = "bot"


class Sender(StrEnum):
    VISITOR = "visitor"
    AGENT = "agent"
    SYSTEM = "system"
    BOT = "bot"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class ComplaintCause(StrEnum):
    PRODUCT = "product"
    LOGISTICS = "logistics"
    SERVICE = "service"
    PRICE = "price"


ALLOWED = {
    Status.OPEN: {Status.PENDING, Status.RESOLVED, Status.CLOSED},
    Status.PENDING: {Status.OPEN, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}


def can_change_status(current: str, wanted: str) -> bool:
    return Status(wanted) in ALLOWED[Status(current)]


def status_after_visitor_message(current: str) -> str:
    """A customer writing again puts the conversation back in the shop's queue."""
    return Status.OPEN.value if current in (Status.PENDING, Status.RESOLVED) else current


def status_after_agent_reply(current: str) -> str:
    """An answered conversation waits for the customer."""
    return Status.PENDING.value if current == Status.OPEN else current


MAX_TAGS = 10
MAX_TAG_CHARS = 30


def clean_tags(tags: Iterable[object] | None) -> list[str]:
    """Tags trimmed, de-duplicated (first spelling kept), at most MAX_TAGS of MAX_TAG_CHARS each."""
    seen, result = set(), []
    for tag in tags or []:
        tag = str(tag).strip()[:MAX_TAG_CHARS]
        if tag and tag.lower() not in seen:
            seen.add(tag.lower())
            result.append(tag)
    return result[:MAX_TAGS]
