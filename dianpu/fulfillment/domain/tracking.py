"""Tracking events from carriers: the webhook signature, reading an events file, exceptions. Pure.

Webhook signature (documented in docs/guide/fulfillment.md): header
`X-Dianpu-Tracking-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>`.
The request is refused when the header is missing or malformed, the timestamp is further than the
tolerance (300 s) from now, or no v1 value matches (compared in constant time).
"""

import csv
import hashlib
import hmac
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

TOLERANCE_SECONDS = 300
STATUSES = ("in_transit", "out_for_delivery", "delivered", "failed", "returned")
EXCEPTION_STATUSES = ("failed", "returned")
FILE_COLUMNS = ("tracking_number", "carrier", "status", "occurred_at", "location", "description")


class SignatureRejected(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS) -> None:
    """Returns quietly for a genuine, fresh request; SignatureRejected(code) otherwise."""
    if not secret:
        raise SignatureRejected("webhook_not_configured")
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
        candidates = parts["v1"]
    except (KeyError, ValueError, IndexError):
        raise SignatureRejected("signature_missing") from None
    if abs(now - timestamp) > tolerance:
        raise SignatureRejected("signature_expired")
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise SignatureRejected("signature_invalid")


@dataclass(frozen=True)
class TrackingEventIn:
    carrier: str
    tracking_number: str
    status: str
    occurred_at: datetime
    location: str = ""
    description: str = ""
    line: int = 0

    @property
    def key(self) -> str:
        text = "|".join((self.status, self.occurred_at.isoformat(), self.location, self.description))
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class EventProblem:
    line: int
    column: str
    code: str
    value: str = ""


def parse_event(raw: dict[str, Any], line: int) -> tuple[TrackingEventIn | None, list[EventProblem]]:
    problems = []
    status = str(raw.get("status") or "").strip().lower()
    if status not in STATUSES:
        problems.append(EventProblem(line, "status", "status_unknown", status))
    text = str(raw.get("occurred_at") or "").strip()
    occurred = None
    try:
        occurred = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if occurred.tzinfo is None:
            raise ValueError
    except ValueError:
        problems.append(EventProblem(line, "occurred_at", "time_invalid", text))
    number = str(raw.get("tracking_number") or "").strip()
    if not number:
        problems.append(EventProblem(line, "tracking_number", "tracking_number_missing"))
    if problems or occurred is None:
        return None, problems
    return TrackingEventIn(
        carrier=str(raw.get("carrier") or "").strip().lower(),
        tracking_number=number,
        status=status,
        occurred_at=occurred,
        location=str(raw.get("location") or "")[:100],
        description=str(raw.get("description") or "")[:300],
        line=line,
    ), []


def parse_events_file(text: str) -> tuple[list[TrackingEventIn], list[EventProblem]]:
    """CSV with a header naming FILE_COLUMNS (any order; location and description optional)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in FILE_COLUMNS[:4] if c not in header]
    if missing:
        return [], [EventProblem(1, c, "column_missing") for c in missing]
    events, problems = [], []
    for number, row in enumerate(reader, 2):
        row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
        if not any(v.strip() for v in row.values()):
            continue
        event, found = parse_event(row, number)
        problems += found
        if event is not None:
            events.append(event)
    return events, problems


def is_late(*, promised_by: datetime | None, delivered_at: datetime | None, now: datetime) -> bool:
    """Past the method's promised days and not delivered (or delivered after them)."""
    if promised_by is None:
        return False
    return (delivered_at or now) > promised_by
