"""Purchase-order statuses and what may happen in each. Pure."""

DRAFT, SENT, PARTIALLY_RECEIVED, RECEIVED, CANCELLED = "draft", "sent", "partially_received", "received", "cancelled"

# action -> statuses it may start from
ALLOWED_FROM = {
    "edit": (DRAFT,),
    "send": (DRAFT,),
    "receive": (SENT, PARTIALLY_RECEIVED),
    "cancel": (DRAFT, SENT),
}


def can(action: str, status: str) -> bool:
    return status in ALLOWED_FROM.get(action, ())


def status_after_receipt(lines: list[tuple[int, int]]) -> str:
    """(ordered, received) per line -> received when every line is complete, else partial."""
    if lines and all(received >= ordered for ordered, received in lines):
        return RECEIVED
    return PARTIALLY_RECEIVED if any(received > 0 for _o, received in lines) else SENT
