"""What a visitor's message says, in Chinese or English: an order number, an e-mail, a phone, a
request for a person, a question about an order. Pure.

"我的订单 DP261207123456 到哪了？邮箱 a@b.com" -> order DP261207123456, e-mail a@b.com, about an order.
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from dianpu.customers.domain.phones import normalize_phone

# Order numbers are "DP" + yymmdd + six digits (orders.services._new_number); letters and digits
# around it end the match, Chinese characters do not ("订单DP261207123456到哪了").
ORDER_NUMBER = re.compile(r"(?<![A-Za-z0-9])DP\d{12}(?![0-9])", re.IGNORECASE)
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24}")
# A phone as people type it: optional +, digits with spaces or dashes; not part of a longer word.
PHONE = re.compile(r"(?<![A-Za-z0-9+])\+?\d[\d \-]{5,18}\d(?![0-9])")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

HUMAN_WORDS = ("人工", "真人", "客服人员", "找客服", "human", "agent", "real person", "someone real", "a person")
# "Where is my order": the order flow even before an order number is given.
ORDER_WORDS = (
    "到哪",
    "在哪里了",
    "我的订单",
    "我的快递",
    "我的包裹",
    "查订单",
    "查物流",
    "查快递",
    "物流信息",
    "订单状态",
    "发货了吗",
    "发货没",
    "还没发货",
    "还没到",
    "什么时候到",
    "单号",
    "where is my",
    "my order",
    "my parcel",
    "my package",
    "track my",
    "tracking",
    "order status",
    "shipped yet",
)
# Words about orders in general ("多久发货", "没付款的订单怎么办"): an article first; when none answers,
# the bot asks for the order rather than handing over.
ORDER_TOPIC_WORDS = (
    "订单",
    "物流",
    "快递",
    "发货",
    "签收",
    "包裹",
    "order",
    "parcel",
    "package",
    "delivery",
    "shipping",
)
GREETING_WORDS = ("你好", "您好", "在吗", "hello", "hi", "hey")

MAX_MESSAGE = 1000


@dataclass(frozen=True)
class ParsedMessage:
    text: str
    language: str  # "zh-hans" | "en" | "" (cannot tell)
    order_number: str = ""
    email: str = ""
    phone: str = ""  # E.164, only a valid number
    wants_human: bool = False
    about_order: bool = False
    mentions_order: bool = False
    greeting_only: bool = False


def clean_message(text: str) -> str:
    """The message as typed, control characters dropped, trimmed (what the log shows)."""
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()[:MAX_MESSAGE]


def detect_language(text: str) -> str:
    """ "zh-hans" with Chinese in it, "en" with English words, "" when it cannot tell (only an order
    number, an e-mail or a phone: the conversation's language holds)."""
    if _CJK.search(text or ""):
        return "zh-hans"
    rest = PHONE.sub(" ", EMAIL.sub(" ", ORDER_NUMBER.sub(" ", text or "")))
    return "en" if re.search(r"[A-Za-z]{2,}", rest) else ""


def _has_word(text: str, words: Iterable[str]) -> bool:
    lowered = text.lower()
    for word in words:
        if _CJK.search(word):
            if word in lowered:
                return True
        elif re.search(r"(?<![a-z])" + re.escape(word) + r"(?![a-z])", lowered):
            return True
    return False


def find_order_number(text: str) -> str:
    found = ORDER_NUMBER.search(text or "")
    return found.group(0).upper() if found else ""


def find_email(text: str) -> str:
    found = EMAIL.search(text or "")
    return found.group(0).lower() if found else ""


def find_phone(text: str) -> str:
    """The first valid phone number in the text (order numbers and e-mails are taken out first)."""
    rest = EMAIL.sub(" ", ORDER_NUMBER.sub(" ", text or ""))
    for candidate in PHONE.findall(rest):
        normalized = normalize_phone(candidate.replace(" ", "").replace("-", ""))
        if normalized:
            return normalized
    return ""


def parse_message(text: str) -> ParsedMessage:
    text = clean_message(text or "")
    folded = unicodedata.normalize("NFKC", text)  # full-width letters and digits read as ASCII
    order_number, email = find_order_number(folded), find_email(folded)
    bare = EMAIL.sub(" ", ORDER_NUMBER.sub(" ", folded)).lower()
    words = re.sub(r"[\W_]+", " ", bare).strip()
    return ParsedMessage(
        text=text,
        language=detect_language(folded),
        order_number=order_number,
        email=email,
        phone=find_phone(folded),
        wants_human=_has_word(folded, HUMAN_WORDS),
        about_order=bool(order_number) or _has_word(folded, ORDER_WORDS),
        mentions_order=_has_word(folded, ORDER_TOPIC_WORDS),
        greeting_only=bool(words) and all(w in GREETING_WORDS for w in words.split()) or words in GREETING_WORDS,
    )


def proof_matches(*, given_email: str, given_phone: str, order_email: str, order_phone: str) -> bool:
    """The visitor proved the order is theirs: its e-mail (any case) or its phone (as E.164)."""
    if given_email and order_email and given_email.strip().lower() == order_email.strip().lower():
        return True
    if given_phone and order_phone:
        return given_phone == (normalize_phone(order_phone) or "")
    return False
