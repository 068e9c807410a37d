"""Alibaba Cloud SMS (阿里云短信服务), SendSms through the documented RPC request: every parameter
percent-encoded (RFC 3986), sorted by name, joined as a query; the string to sign is
`GET&%2F&<encoded query>`; the signature is Base64(HMAC-SHA1(AccessKeySecret + "&", that)),
sent as `Signature` with a fresh `SignatureNonce` per request. Standard library only."""

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

from . import SmsMessage, SmsProvider, SmsResult

API_VERSION = "2017-05-25"
TIMEOUT_SECONDS = 10


def percent_encode(value: str) -> str:
    """RFC 3986: letters, digits and -_.~ stay; space is %20, * is %2A, ~ is kept."""
    return quote(str(value), safe="-_.~")


def canonical_query(params: dict) -> str:
    return "&".join(f"{percent_encode(k)}={percent_encode(v)}" for k, v in sorted(params.items()))


def sign(params: dict, secret: str, method: str = "GET") -> str:
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def national_number(phone: str) -> str:
    """Alibaba Cloud takes mainland numbers without +86; others with their country code, no +."""
    digits = phone.lstrip("+")
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


class AliyunSms(SmsProvider):
    code = "aliyun"

    def __init__(
        self,
        *,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        endpoint: str = "https://dysmsapi.aliyuncs.com",
        now=None,
        nonce=None,
    ):
        self.access_key_id = access_key_id
        self.secret = access_key_secret
        self.sign_name = sign_name
        self.endpoint = endpoint.rstrip("/")
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._nonce = nonce or (lambda: str(uuid.uuid4()))

    def signed_params(self, message: SmsMessage) -> dict:
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": "cn-hangzhou",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": self._nonce(),
            "SignatureVersion": "1.0",
            "Timestamp": self._now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
            "PhoneNumbers": national_number(message.phone),
            "SignName": self.sign_name,
            "TemplateCode": message.template_code,
            "TemplateParam": json.dumps(message.params, ensure_ascii=False, separators=(",", ":")),
        }
        if message.reference:
            params["OutId"] = message.reference
        return {**params, "Signature": sign(params, self.secret)}

    def send(self, message: SmsMessage) -> SmsResult:
        url = f"{self.endpoint}/?{canonical_query(self.signed_params(message))}"
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=TIMEOUT_SECONDS) as r:
                body = json.loads(r.read().decode() or "{}")
        except urllib.error.HTTPError as exc:  # Alibaba answers errors with a JSON body too
            try:
                body = json.loads(exc.read().decode() or "{}")
            except ValueError:
                return SmsResult(False, error_code=f"http_{exc.code}", error_message=str(exc))
        except TimeoutError:
            return SmsResult(False, error_code="timeout", error_message="no answer in time")
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return SmsResult(False, error_code="unreachable", error_message=str(exc)[:200])
        if body.get("Code") == "OK":
            return SmsResult(True, provider_id=str(body.get("BizId", "")))
        return SmsResult(False, error_code=str(body.get("Code", "unknown")), error_message=str(body.get("Message", "")))
