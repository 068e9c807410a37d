"""Stripe-style signed webhooks: `Stripe-Signature: t=<unix ts>,v1=<hex HMAC-SHA256>`.

The signed text is "<t>.<raw body>" keyed with the endpoint's webhook secret. A signature is
accepted when one v1 value matches and |now - t| is within the tolerance (300 s by default),
which stops a captured request from being replayed later.
"""

import hashlib
import hmac

DEFAULT_TOLERANCE_SECONDS = 300


class SignatureRefused(Exception):
    """The notification is not from the provider (or is too old); `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def compute_stripe_signature(*, secret: str, payload: bytes, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def stripe_signature_header(*, secret: str, payload: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={compute_stripe_signature(secret=secret, payload=payload, timestamp=timestamp)}"


def verify_stripe_signature(
    *, payload: bytes, header: str, secret: str, now: float, tolerance: int = DEFAULT_TOLERANCE_SECONDS
) -> int:
    """Return the signed timestamp, or raise SignatureRefused(code) with code one of
    signature_missing, signature_malformed, signature_mismatch, signature_stale."""
    if not header or not secret:
        raise SignatureRefused("signature_missing")
    timestamp, candidates = None, []
    for item in header.split(","):
        key, _sep, value = item.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureRefused("signature_malformed") from None
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureRefused("signature_malformed")
    expected = compute_stripe_signature(secret=secret, payload=payload, timestamp=timestamp)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureRefused("signature_mismatch")
    if abs(now - timestamp) > tolerance:
        raise SignatureRefused("signature_stale")
    return timestamp
