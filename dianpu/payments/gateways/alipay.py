"""Alipay (支付宝) computer-website payment, signed with RSA2 (SHA256withRSA).

The buyer is sent to Alipay with a signed alipay.trade.page.pay request (no server-to-server
call is needed to start); Alipay's asynchronous notification, verified with Alipay's public key,
confirms the payment. Refunds go through alipay.trade.refund (a signed server-to-server request
whose signed answer is verified); out_request_no makes a retried refund a no-op at Alipay.
"""

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings

from dianpu.shop.queries import get_shop_profile

from ..domain.alipay import sign_request, verify_alipay_response
from ..domain.rsa import parse_private_key, parse_public_key
from ..domain.signatures import SignatureRefused
from .base import GatewayError, GatewayRefund, PaymentGateway, PaymentStart
from .transport import open_url

log = logging.getLogger(__name__)


class AlipayGateway(PaymentGateway):
    code = "alipay"
    name = "支付宝"
    name_en = "Alipay"
    description = "跳转到支付宝完成付款。"
    description_en = "Pay on Alipay's site."
    offline = False
    refunds_online = True

    key_settings = ("ALIPAY_APP_ID", "ALIPAY_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY")

    def is_enabled(self) -> bool:
        return bool(
            getattr(settings, "ALIPAY_APP_ID", "")
            and getattr(settings, "ALIPAY_PRIVATE_KEY", "")
            and getattr(settings, "ALIPAY_PUBLIC_KEY", "")
        )

    def _signed(self, method: str, biz: dict, **extra) -> dict:
        params = {
            "app_id": settings.ALIPAY_APP_ID,
            "method": method,
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "version": "1.0",
            "timestamp": datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S"),
            "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
            **extra,
        }
        params["sign"] = sign_request(params, parse_private_key(settings.ALIPAY_PRIVATE_KEY))
        return params

    def page_pay_url(self, *, order_number: str, amount: Decimal) -> str:
        params = self._signed(
            "alipay.trade.page.pay",
            {
                "out_trade_no": order_number,
                "total_amount": f"{Decimal(amount):.2f}",
                "subject": f"{get_shop_profile().name} {order_number}",
                "product_code": "FAST_INSTANT_TRADE_PAY",
            },
            notify_url=f"{settings.SITE_URL}/api/v1/payments/alipay/notify",
        )
        return f"{settings.ALIPAY_GATEWAY_URL}?{urlencode(params)}"

    def refund(
        self, *, payment_reference: str, amount: Decimal, idempotency_key: str, metadata: dict | None = None
    ) -> GatewayRefund:
        """alipay.trade.refund of `amount` on the Alipay trade `payment_reference` (trade_no)."""
        params = self._signed(
            "alipay.trade.refund",
            {
                "trade_no": payment_reference,
                "refund_amount": f"{Decimal(amount):.2f}",
                "out_request_no": idempotency_key,
                "refund_reason": str((metadata or {}).get("order_number", "")),
            },
        )
        request = urllib.request.Request(settings.ALIPAY_GATEWAY_URL, data=urlencode(params).encode(), method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
        try:
            with open_url(request, what="alipay") as response:
                body = response.read().decode()
        except urllib.error.HTTPError as exc:
            raise GatewayError(f"HTTP {exc.code}", code=str(exc.code), answered=exc.code < 500) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
            log.warning("alipay unreachable for a refund: %s", exc)
            raise GatewayError(str(exc), code="unreachable", answered=False) from None
        try:
            verify_alipay_response(body, "alipay_trade_refund_response", parse_public_key(settings.ALIPAY_PUBLIC_KEY))
        except SignatureRefused as exc:
            log.warning("alipay refund answer refused: %s", exc.code)
            raise GatewayError("unverified answer", code=exc.code, answered=False) from None
        answer = json.loads(body)["alipay_trade_refund_response"]
        if answer.get("code") != "10000":
            raise GatewayError(
                answer.get("sub_msg") or answer.get("msg") or "refused",
                code=answer.get("sub_code") or answer.get("code", ""),
                answered=True,
            )
        return GatewayRefund(
            reference=f"{answer.get('trade_no', payment_reference)}:{idempotency_key}"[:100], status="succeeded"
        )

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
        text = "Continue to Alipay to pay." if language.startswith("en") else "请前往支付宝完成付款。"
        return PaymentStart(
            gateway=self.code,
            instructions=text,
            reference=order_number,
            client_data={"redirect_url": self.page_pay_url(order_number=order_number, amount=amount)},
        )

    def resume_payment(
        self,
        *,
        reference: str,
        order_number: str,
        amount: Decimal,
        language: str,
        client_ip: str = "",
        mobile: bool = False,
        openid: str = "",
    ) -> PaymentStart:
        return self.start_payment(
            order_number=order_number, amount=amount, email="", language=language, client_ip=client_ip, mobile=mobile
        )
