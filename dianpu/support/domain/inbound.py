"""Reading a forwarded e-mail (RFC 822): sender, subject, the conversation reference it carries,
the ids it answers, and its text (the plain part, else the HTML part's text). Pure: bytes in."""

import email
import email.policy
import email.utils
import html
import re
from dataclasses import dataclass
from email.message import EmailMessage

REFERENCE = re.compile(r"\[DP-S(\d{1,12})\]")
_TAGS = re.compile(r"<[^>]+>")
MAX_TEXT_CHARS = 5000


class InboundEmailError(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class InboundEmail:
    sender: str
    sender_name: str
    subject: str
    text: str
    message_id: str
    in_reply_to: tuple[str, ...]
    reference_id: int | None


def parse_inbound_email(raw: bytes) -> InboundEmail:
    if not raw or not raw.strip():
        raise InboundEmailError("empty")
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        sender_header = str(message.get("From", "") or "")
        subject = " ".join(str(message.get("Subject", "") or "").split())[:200]
        message_id = str(message.get("Message-ID", "") or "").strip()[:250]
        replies = " ".join(str(message.get(h, "") or "") for h in ("In-Reply-To", "References"))
    except (ValueError, TypeError, IndexError, LookupError) as exc:
        raise InboundEmailError("headers") from exc
    name, address = email.utils.parseaddr(sender_header)
    if not address or "@" not in address or message.defects and not message.keys():
        raise InboundEmailError("no sender")
    text = _text_of(message)
    if not text:
        raise InboundEmailError("no text")
    match = REFERENCE.search(subject)
    return InboundEmail(
        sender=address.strip()[:254],
        sender_name=(name or "").strip()[:100],
        subject=subject,
        text=text[:MAX_TEXT_CHARS],
        message_id=message_id,
        in_reply_to=tuple(re.findall(r"<[^<>\s]+>", replies))[:20],
        reference_id=int(match.group(1)) if match else None,
    )


def _text_of(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        content = part.get_content()
    except (KeyError, LookupError, ValueError, AttributeError):
        return ""
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        content = html.unescape(_TAGS.sub(" ", content))
    lines = []
    for line in content.splitlines():
        if line.startswith(">"):  # the quoted earlier message
            continue
        lines.append(line.rstrip())
    return "\n".join(lines).strip()
