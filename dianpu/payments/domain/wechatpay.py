"""WeChat Pay (微信支付) API v3 signatures and notification decryption, pure.

Requests: SHA256withRSA (PKCS#1 v1.5) with the merchant's API certificate key over
"METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n", sent as
`Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`.
Answers and notifications: WeChat Pay signs "TIMESTAMP\\nNONCE\\nBODY\\n" with its platform key,
in the Wechatpay-Signature header (with Wechatpay-Timestamp, -Nonce and -Serial, the key's
serial). A notification's `resource` is AEAD_AES_256_GCM with the merchant's APIv3 key (32
bytes), its `nonce` and `associated_data`. Amounts are integer fen.
"""

import base64
import binascii
import json
import re
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .rsa import RsaPrivateKey, RsaPublicKey, sign_sha256, verify_sha256
from .signatures import SignatureRefused

SCHEMA = "WECHATPAY2-SHA256-RSA2048"
TOLERANCE_SECONDS = 300


def request_message(method: str, path: str, timestamp: str, nonce: str, body: str) -> bytes:
    """What a request's signature covers; `path` is the URL's absolute path with its query."""
    return f"{method.upper()}\n{path}\n{timestamp}\n{nonce}\n{body}\n".encode()


def answer_message(timestamp: str, nonce: str, body: bytes | str) -> bytes:
    """What WeChat Pay's signature of an answer or a notification covers."""
    text = body.decode() if isinstance(body, bytes) else body
    return f"{timestamp}\n{nonce}\n{text}\n".encode()


def sign(message: bytes, key: RsaPrivateKey) -> str:
    return base64.b64encode(sign_sha256(message, key)).decode()


def authorization(*, mchid: str, serial_no: str, nonce: str, timestamp: str, signature: str) -> str:
    return (
        f'{SCHEMA} mchid="{mchid}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial_no}"'
    )


_FIELD = re.compile(r'(\w+)="([^"]*)"')


def parse_authorization(header: str) -> dict[str, str]:
    """The fields of an Authorization header of this scheme ({} if it is another scheme)."""
    schema, _, rest = (header or "").partition(" ")
    if schema != SCHEMA:
        return {}
    return dict(_FIELD.findall(rest))


def verify_signed(
    *,
    timestamp: str,
    nonce: str,
    signature: str,
    serial: str,
    body: bytes | str,
    key: RsaPublicKey,
    expected_serial: str,
    now: float,
) -> None:
    """Raise SignatureRefused(code) unless WeChat Pay signed `body` with the key we hold, recently."""
    if not (timestamp and nonce and signature):
        raise SignatureRefused("signature_missing")
    if expected_serial and serial != expected_serial:
        raise SignatureRefused("signature_mismatch")  # signed with a key we do not hold
    try:
        raw = base64.b64decode(signature, validate=True)
        stamp = int(timestamp)
    except (binascii.Error, ValueError):
        raise SignatureRefused("signature_malformed") from None
    if abs(now - stamp) > TOLERANCE_SECONDS:
        raise SignatureRefused("signature_stale")
    if not verify_sha256(answer_message(timestamp, nonce, body), raw, key):
        raise SignatureRefused("signature_mismatch")


def encrypt_resource(plain: dict[str, Any], *, key: bytes, nonce: str, associated_data: str) -> dict[str, str]:
    """A notification resource as WeChat Pay builds it (used by the local stand-in in tests)."""
    sealed = AESGCM(key).encrypt(
        nonce.encode(), json.dumps(plain, ensure_ascii=False).encode(), associated_data.encode()
    )
    return {
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(sealed).decode(),
        "nonce": nonce,
        "associated_data": associated_data,
    }


def decrypt_resource(resource: dict[str, Any], *, key: bytes) -> dict[str, Any]:
    """The plaintext object of a notification's resource; SignatureRefused("webhook_malformed")
    if it does not decrypt with the APIv3 key (tampered, or another merchant's)."""
    if len(key) != 32 or not isinstance(resource, dict) or resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise SignatureRefused("webhook_malformed")
    try:
        sealed = base64.b64decode(str(resource.get("ciphertext", "")), validate=True)
        plain = AESGCM(key).decrypt(
            str(resource.get("nonce", "")).encode(), sealed, str(resource.get("associated_data") or "").encode()
        )
        data = json.loads(plain.decode())
    except (binascii.Error, ValueError, InvalidTag, UnicodeDecodeError):
        raise SignatureRefused("webhook_malformed") from None
    if not isinstance(data, dict):
        raise SignatureRefused("webhook_malformed")
    return data


def jsapi_pay_message(*, app_id: str, timestamp: str, nonce: str, package: str) -> bytes:
    """What the paySign of a JSAPI payment (WeixinJSBridge getBrandWCPayRequest) covers:
    "appId\\ntimeStamp\\nnonceStr\\npackage\\n", package being "prepay_id=…"."""
    return f"{app_id}\n{timestamp}\n{nonce}\n{package}\n".encode()


def jsapi_pay_params(*, app_id: str, prepay_id: str, timestamp: str, nonce: str, key: RsaPrivateKey) -> dict[str, str]:
    """The parameters the buyer's page hands to getBrandWCPayRequest, signed (RSA, SHA256withRSA)
    with the merchant's API certificate key, as WeChat Pay checks them."""
    package = f"prepay_id={prepay_id}"
    return {
        "appId": app_id,
        "timeStamp": timestamp,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": sign(jsapi_pay_message(app_id=app_id, timestamp=timestamp, nonce=nonce, package=package), key),
    }
