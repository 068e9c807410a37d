"""A brief's status machine, as data: (status, action) -> next status, and which side acts.

open ──submit──▶ in_review ──approve──▶ approved ──apply──▶ applied
  ▲                 │
  └──request_changes┘ (changes_requested ──submit──▶ in_review)
open / in_review / changes_requested ──cancel──▶ cancelled
"""

from enum import StrEnum


class Status(StrEnum):
    OPEN = "open"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    APPLIED = "applied"
    CANCELLED = "cancelled"


class Action(StrEnum):
    SUBMIT = "submit"  # the designer hands the drafts in
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    APPLY = "apply"  # approved images go onto the product
    CANCEL = "cancel"


class Side(StrEnum):
    DESIGNER = "designer"
    OPERATOR = "operator"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.OPEN, Action.SUBMIT): Status.IN_REVIEW,
    (Status.CHANGES_REQUESTED, Action.SUBMIT): Status.IN_REVIEW,
    (Status.IN_REVIEW, Action.APPROVE): Status.APPROVED,
    (Status.IN_REVIEW, Action.REQUEST_CHANGES): Status.CHANGES_REQUESTED,
    (Status.APPROVED, Action.APPLY): Status.APPLIED,
    (Status.OPEN, Action.CANCEL): Status.CANCELLED,
    (Status.IN_REVIEW, Action.CANCEL): Status.CANCELLED,
    (Status.CHANGES_REQUESTED, Action.CANCEL): Status.CANCELLED,
}

SIDE_OF_ACTION: dict[Action, Side] = {
    Action.SUBMIT: Side.DESIGNER,
    Action.APPROVE: Side.OPERATOR,
    Action.REQUEST_CHANGES: Side.OPERATOR,
    Action.APPLY: Side.OPERATOR,
    Action.CANCEL: Side.OPERATOR,
}

# Drafts may be uploaded while the designer holds the brief.
DRAFTS_ALLOWED = frozenset({Status.OPEN, Status.CHANGES_REQUESTED})
OPEN_STATUSES = frozenset({Status.OPEN, Status.IN_REVIEW, Status.CHANGES_REQUESTED, Status.APPROVED})


def next_status(status: str, action: str) -> Status | None:
    """The status after `action`, or None when the action is not allowed from `status`."""
    try:
        return TRANSITIONS.get((Status(status), Action(action)))
    except ValueError:
        return None


def allowed_actions(status: str, sides: set[str]) -> list[str]:
    """The actions someone acting for `sides` may take on a brief in `status`, in table order."""
    return [
        action.value
        for (from_status, action) in TRANSITIONS
        if from_status == status and SIDE_OF_ACTION[action] in sides
    ]
