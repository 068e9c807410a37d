"""What the bot does with a message, given what the visitor told it before. Pure.

The order answer needs three things: an order number, and the e-mail or the phone the order was
placed with. They may come in one message or over several (the session remembers them).
"""

from dataclasses import dataclass, replace
from enum import StrEnum

from .parsing import ParsedMessage


class Step(StrEnum):
    HUMAN = "human"  # the visitor asked for a person
    ASK_ORDER_NUMBER = "ask_order_number"
    ASK_PROOF = "ask_proof"  # the order number is known, not yet its e-mail or phone
    LOOK_UP_ORDER = "look_up_order"
    GREETING = "greeting"
    ARTICLES = "articles"


@dataclass(frozen=True)
class Memory:
    order_number: str = ""
    email: str = ""
    phone: str = ""

    @property
    def has_proof(self) -> bool:
        return bool(self.email or self.phone)


def remember(memory: Memory, parsed: ParsedMessage) -> Memory:
    """What the session knows after this message: anything new replaces what was given before (a
    new order number asks for its own proof; the e-mail or phone given with it is kept)."""
    changed = {}
    if parsed.order_number:
        changed["order_number"] = parsed.order_number
    if parsed.email:
        changed["email"] = parsed.email
    if parsed.phone:
        changed["phone"] = parsed.phone
    return replace(memory, **changed) if changed else memory


def forget_proof(memory: Memory) -> Memory:
    """After a failed proof the e-mail and phone are dropped (the next try must give them again)."""
    return replace(memory, email="", phone="")


def decide(parsed: ParsedMessage, memory: Memory) -> Step:
    """`memory` already includes this message (see `remember`)."""
    if parsed.wants_human:
        return Step.HUMAN
    gave_proof = bool(parsed.email or parsed.phone)
    if parsed.about_order or (gave_proof and memory.order_number):
        if not memory.order_number:
            return Step.ASK_ORDER_NUMBER
        if not memory.has_proof:
            return Step.ASK_PROOF
        return Step.LOOK_UP_ORDER
    if parsed.greeting_only:
        return Step.GREETING
    return Step.ARTICLES
