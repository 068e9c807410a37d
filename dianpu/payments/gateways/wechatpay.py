"""WeChat Pay (微信支付), direct merchant, through its API v3 (JSON over HTTPS).

Native on a computer (we draw the answer's code_url as a QR code the buyer scans with WeChat),
H5 on a phone (the buyer is sent to the answer's h5_url, which opens WeChat) and JSAPI inside
WeChat's own browser: the buyer's openid is found by WeChat's web OAuth (snsapi_base, silent),
the order made with payer.openid answers a prepay_id, and the page hands WeixinJSBridge the
parameters signed with the merchant key (paySign). Every request is
signed with the merchant's API certificate key (payments.domain.wechatpay); every answer's
signature is checked with the platform public key before it is believed. The order number is
the out_trade_no: asking again with the same one returns the same payment, so it is also the
idempotency key. Refunds: /v3/refund/domestic/refunds with out_refund_no = our refund's key.

Settings (environment): WECHATPAY_MCHID, WECHATPAY_APPID, WECHATPAY_SERIAL_NO (the merchant
certificate's serial), WECHATPAY_PRIVATE_KEY or WECHATPAY_PRIVATE_KEY_PATH, WECHATPAY_APIV3_KEY,
WECHATPAY_PLATFORM_PUBLIC_KEY or WECHATPAY_PLATFORM_PUBLIC_KEY_PATH, WECHATPAY_PLATFORM_SERIAL
(its serial, e.g. PUB_KEY_ID_…), WECHATPAY_API_BASE (https://api.mch.weixin.qq.com unless set).
JSAPI also needs WECHATPAY_APP_SECRET (the AppSecret of the official account WECHATPAY_APPID, for
the OAuth code exchange); WECHATPAY_OAUTH_URL and WECHATPAY_OAUTH_API_BASE point elsewhere in tests.
"""

import json
import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

from django.conf import settings

from ..domain.amounts import to_minor_units
from ..domain.rsa import KeyFormatError, RsaPublicKey, parse_private_key, parse_public_key
from ..domain.signatures import SignatureRefused
from ..domain.wechatpay import authorization, jsapi_pay_params, request_message, sign, verify_signed
from .base import GatewayError, GatewayRefund, PaymentGateway, PaymentStart
from .transport import open_url

log = logging.getLogger(__name__)
REFUND_STATUS = {"SUCCESS": "succeeded", "PROCESSING": "pending", "CLOSED": "failed", "ABNORMAL": "failed"}


def setting_or_file(name: str) -> str:
    """A key given inline (NAME) or as a file (NAME_PATH)."""
    value = getattr(settings, name, "") or ""
    if value:
        return value
    path = getattr(settings, f"{name}_PATH", "") or ""
    if path:
        try:
            return Path(path).read_text(encoding="utf-8")
        except OSError:
            log.error("cannot read %s_PATH", name)
    return ""


def platform_public_key() -> RsaPublicKey:
    return parse_public_key(setting_or_file("WECHATPAY_PLATFORM_PUBLIC_KEY"))


def apiv3_key() -> bytes:
    return (getattr(settings, "WECHATPAY_APIV3_KEY", "") or "").encode()


class WeChatPayGateway(PaymentGateway):
    code = "wechatpay"
    name = "微信支付"
    name_en = "WeChat Pay"
    description = "电脑上用微信扫码付款，手机上直接跳转微信完成付款。"
    description_en = "Scan the QR code with WeChat on a computer, or pay in WeChat on your phone."
    offline = False
    refunds_online = True

    key_settings = (
        "WECHATPAY_MCHID",
        "WECHATPAY_APPID",
        "WECHATPAY_SERIAL_NO",
        "WECHATPAY_APIV3_KEY",
        "WECHATPAY_PRIVATE_KEY",
        "WECHATPAY_PLATFORM_PUBLIC_KEY",
        "WECHATPAY_APP_SECRET",  # JSAPI (inside WeChat's browser) only
    )

    def is_enabled(self) -> bool:
        return bool(
            getattr(settings, "WECHATPAY_MCHID", "")
            and getattr(settings, "WECHATPAY_APPID", "")
            and getattr(settings, "WECHATPAY_SERIAL_NO", "")
            and len(apiv3_key()) == 32
            and setting_or_file("WECHATPAY_PRIVATE_KEY")
            and setting_or_file("WECHATPAY_PLATFORM_PUBLIC_KEY")
        )

    # --- HTTP ---------------------------------------------------------------------------------
    def _request(self, method: str, path: str, body: dict | None = None) -> dict:
        base = (getattr(settings, "WECHATPAY_API_BASE", "") or "https://api.mch.weixin.qq.com").rstrip("/")
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":")) if body is not None else ""
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        try:
            signature = sign(
                request_message(method, path, timestamp, nonce, text),
                parse_private_key(setting_or_file("WECHATPAY_PRIVATE_KEY")),
            )
        except KeyFormatError:
            raise GatewayError("merchant key unreadable", code="configuration", answered=True) from None
        request = urllib.request.Request(
            f"{base}{path}", data=text.encode() if body is not None else None, method=method
        )
        request.add_header(
            "Authorization",
            authorization(
                mchid=settings.WECHATPAY_MCHID,
                serial_no=settings.WECHATPAY_SERIAL_NO,
                nonce=nonce,
                timestamp=timestamp,
                signature=signature,
            ),
        )
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", "dianpu")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with open_url(request, what="wechatpay") as response:
                raw, headers = response.read(), response.headers
        except urllib.error.HTTPError as exc:
            try:
                error = json.loads(exc.read().decode() or "{}")
            except ValueError:
                error = {}
            log.warning("wechatpay refused %s %s: %s %s", method, path, exc.code, error.get("code", ""))
            raise GatewayError(
                error.get("message") or f"HTTP {exc.code}",
                code=error.get("code", "") or str(exc.code),
                answered=exc.code < 500,
            ) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
            log.warning("wechatpay unreachable for %s %s: %s", method, path, exc)
            raise GatewayError(str(exc), code="unreachable", answered=False) from None
        try:
            verify_signed(
                timestamp=headers.get("Wechatpay-Timestamp", ""),
                nonce=headers.get("Wechatpay-Nonce", ""),
                signature=headers.get("Wechatpay-Signature", ""),
                serial=headers.get("Wechatpay-Serial", ""),
                body=raw,
                key=platform_public_key(),
                expected_serial=getattr(settings, "WECHATPAY_PLATFORM_SERIAL", ""),
                now=time.time(),
            )
            return json.loads(raw.decode() or "{}")
        except (SignatureRefused, KeyFormatError, ValueError) as exc:
            log.warning("wechatpay answer refused: %s", getattr(exc, "code", exc))
            raise GatewayError("unverified answer", code=getattr(exc, "code", "unverified"), answered=False) from None

    # --- the gateway interface ----------------------------------------------------------------
    def _order(self, order_number: str, amount: Decimal) -> dict:
        return {
            "appid": settings.WECHATPAY_APPID,
            "mchid": settings.WECHATPAY_MCHID,
            "description": f"{settings.SHOP_NAME} {order_number}"[:127],
            "out_trade_no": order_number,
            "notify_url": f"{settings.SITE_URL}/api/v1/payments/wechatpay/notify",
            "amount": {"total": to_minor_units(amount), "currency": "CNY"},
        }

    def start_payment(
        self,
        *,
        order_number: str,
        amount: Decimal,
        email: str,
        language: str,
        idempotency_key: str = "",
        client_ip: str = "",
        mobile: bool = False,
        openid: str = "",
    ) -> PaymentStart:
        """Native (a QR code), on a phone H5, or inside WeChat (the buyer's `openid` known) JSAPI.
        The out_trade_no (the order number) is WeChat Pay's own idempotency key: the same order
        asked again returns the same payment."""
        english = language.startswith("en")
        if openid:
            answer = self._request(
                "POST", "/v3/pay/transactions/jsapi", {**self._order(order_number, amount), "payer": {"openid": openid}}
            )
            prepay_id = str(answer.get("prepay_id", ""))
            if not prepay_id:
                raise GatewayError("no prepay_id", code="unverified", answered=False)
            try:
                params = jsapi_pay_params(
                    app_id=settings.WECHATPAY_APPID,
                    prepay_id=prepay_id,
                    timestamp=str(int(time.time())),
                    nonce=secrets.token_hex(16),
                    key=parse_private_key(setting_or_file("WECHATPAY_PRIVATE_KEY")),
                )
            except KeyFormatError:
                raise GatewayError("merchant key unreadable", code="configuration", answered=True) from None
            text = (
                "Tap the button below to pay with WeChat Pay." if english else "请点击下方按钮，使用微信支付完成付款。"
            )
            return PaymentStart(
                gateway=self.code, instructions=text, reference=order_number, client_data={"jsapi": params}
            )
        if mobile:
            answer = self._request(
                "POST",
                "/v3/pay/transactions/h5",
                {
                    **self._order(order_number, amount),
                    "scene_info": {"payer_client_ip": client_ip or "127.0.0.1", "h5_info": {"type": "Wap"}},
                },
            )
            text = "Continue to WeChat to pay." if english else "请点击下方按钮，在微信中完成付款。"
            return PaymentStart(
                gateway=self.code,
                instructions=text,
                reference=order_number,
                client_data={"h5_url": answer.get("h5_url", "")},
            )
        answer = self._request("POST", "/v3/pay/transactions/native", self._order(order_number, amount))
        text = (
            "Scan the QR code with WeChat to pay; the order is confirmed as soon as WeChat Pay tells us."
            if english
            else "请使用微信扫描下方二维码付款，微信支付通知我们后订单即确认。"
        )
        return PaymentStart(
            gateway=self.code,
            instructions=text,
            reference=order_number,
            client_data={"code_url": answer.get("code_url", "")},
        )

    # --- WeChat's web OAuth: the buyer's openid for JSAPI --------------------------------------
    def offers_jsapi(self) -> bool:
        """JSAPI needs the official account's AppSecret besides the payment keys."""
        return self.is_enabled() and bool(getattr(settings, "WECHATPAY_APP_SECRET", ""))

    def oauth_authorize_url(self, *, redirect_uri: str, state: str) -> str:
        """Where WeChat's browser is sent to learn the buyer's openid (snsapi_base: no prompt);
        WeChat comes back to `redirect_uri` with ?code=…&state=…."""
        base = getattr(settings, "WECHATPAY_OAUTH_URL", "") or "https://open.weixin.qq.com/connect/oauth2/authorize"
        query = urllib.parse.urlencode(
            {
                "appid": settings.WECHATPAY_APPID,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": state,
            }
        )
        return f"{base}?{query}#wechat_redirect"

    def fetch_openid(self, code: str) -> str:
        """The openid behind an OAuth `code` (single use, 5 minutes). GatewayError when WeChat
        refuses the code (answered) or cannot be reached."""
        base = (getattr(settings, "WECHATPAY_OAUTH_API_BASE", "") or "https://api.weixin.qq.com").rstrip("/")
        query = urllib.parse.urlencode(
            {
                "appid": settings.WECHATPAY_APPID,
                "secret": getattr(settings, "WECHATPAY_APP_SECRET", ""),
                "code": code,
                "grant_type": "authorization_code",
            }
        )
        request = urllib.request.Request(f"{base}/sns/oauth2/access_token?{query}", method="GET")
        request.add_header("Accept", "application/json")
        try:
            with open_url(request, what="wechat oauth") as response:
                answer = json.loads(response.read().decode() or "{}")
        except (TimeoutError, urllib.error.URLError, ConnectionError, ValueError) as exc:
            log.warning("wechat oauth unreachable: %s", exc.__class__.__name__)
            raise GatewayError("unreachable", code="unreachable", answered=False) from None
        openid = answer.get("openid") if isinstance(answer, dict) else None
        if not isinstance(openid, str) or not openid or len(openid) > 64:
            log.warning("wechat oauth refused the code: %s", answer.get("errcode") if isinstance(answer, dict) else "")
            raise GatewayError(
                str(answer.get("errmsg", "") if isinstance(answer, dict) else ""),
                code=str(answer.get("errcode", "") if isinstance(answer, dict) else ""),
                answered=True,
            )
        return openid

    def query_payment(self, *, reference: str) -> dict:
        """The transaction of out_trade_no `reference` as WeChat Pay holds it (trade_state SUCCESS,
        NOTPAY, CLOSED…), for payments whose notification was lost."""
        path = f"/v3/pay/transactions/out-trade-no/{urllib.parse.quote(reference, safe='')}?" + urllib.parse.urlencode(
            {"mchid": settings.WECHATPAY_MCHID}
        )
        return self._request("GET", path)

    def refund(
        self, *, payment_reference: str, amount: Decimal, idempotency_key: str, metadata: dict | None = None
    ) -> GatewayRefund:
        """Refund `amount` of the transaction `payment_reference` (transaction_id). WeChat Pay wants
        the transaction's total beside the refund: it is read from the transaction first."""
        path = f"/v3/pay/transactions/id/{urllib.parse.quote(payment_reference, safe='')}?" + urllib.parse.urlencode(
            {"mchid": settings.WECHATPAY_MCHID}
        )
        total = int((self._request("GET", path).get("amount") or {}).get("total") or 0)
        answer = self._request(
            "POST",
            "/v3/refund/domestic/refunds",
            {
                "transaction_id": payment_reference,
                "out_refund_no": idempotency_key,
                "reason": str((metadata or {}).get("order_number", ""))[:80],
                "notify_url": f"{settings.SITE_URL}/api/v1/payments/wechatpay/notify",
                "amount": {"refund": to_minor_units(amount), "total": total, "currency": "CNY"},
            },
        )
        return GatewayRefund(
            reference=str(answer.get("refund_id", "")),
            status=REFUND_STATUS.get(str(answer.get("status", "")), "pending"),
        )

    def query_refund(self, *, idempotency_key: str) -> GatewayRefund:
        """A refund as WeChat Pay holds it, by our out_refund_no (a refund notification lost)."""
        answer = self._request("GET", f"/v3/refund/domestic/refunds/{urllib.parse.quote(idempotency_key, safe='')}")
        return GatewayRefund(
            reference=str(answer.get("refund_id", "")),
            status=REFUND_STATUS.get(str(answer.get("status", "")), "pending"),
        )
