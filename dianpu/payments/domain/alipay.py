"""Alipay's RSA2 scheme: parameters sorted by name, joined as k=v&k=v, signed with SHA256withRSA,
the signature base64-encoded in `sign`. Notifications leave `sign` and `sign_type` out of the
signed string; requests leave out only `sign`. Empty values are left out."""

import base64
import binascii
import json
from typing import Any

from .rsa import RsaPrivateKey, RsaPublicKey, sign_sha256, verify_sha256
from .signatures import SignatureRefused


def signing_string(params: dict[str, Any], *, exclude: tuple[str, ...] = ("sign", "sign_type")) -> str:
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in exclude and params[k] not in ("", None))


def sign_request(params: dict[str, Any], key: RsaPrivateKey) -> str:
    return base64.b64encode(sign_sha256(signing_string(params, exclude=("sign",)).encode(), key)).decode()


def verify_alipay_notification(params: dict[str, Any], key: RsaPublicKey) -> None:
    """Raise SignatureRefused(code) unless `params` carry a valid RSA2 signature by Alipay."""
    signature = params.get("sign", "")
    if not signature:
        raise SignatureRefused("signature_missing")
    if params.get("sign_type", "RSA2") != "RSA2":
        raise SignatureRefused("signature_malformed")
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureRefused("signature_malformed") from None
    if not verify_sha256(signing_string(params).encode(), raw, key):
        raise SignatureRefused("signature_mismatch")


def signed_response_part(body: str, method_key: str) -> str | None:
    """The exact text of `"<method_key>": {...}`'s object in an Alipay answer (what Alipay signs)."""
    marker = f'"{method_key}"'
    start = body.find(marker)
    if start < 0:
        return None
    start = body.find("{", start + len(marker))
    if start < 0:
        return None
    depth, in_string, escaped = 0, False, False
    for i in range(start, len(body)):
        ch = body[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return body[start : i + 1]
    return None


def verify_alipay_response(body: str, method_key: str, key: RsaPublicKey) -> None:
    """Raise SignatureRefused unless Alipay's answer carries a valid RSA2 signature of its part."""
    part = signed_response_part(body, method_key)
    try:
        signature = base64.b64decode(json.loads(body).get("sign", ""), validate=True)
    except (ValueError, binascii.Error, AttributeError):
        raise SignatureRefused("signature_malformed") from None
    if part is None or not signature:
        raise SignatureRefused("signature_missing")
    if not verify_sha256(part.encode(), signature, key):
        raise SignatureRefused("signature_mismatch")
