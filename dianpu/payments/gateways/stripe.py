"""Stripe (cards and wallets), through Stripe's documented HTTP API.

Requests are form-encoded with `Authorization: Bearer <STRIPE_SECRET_KEY>` against
STRIPE_API_BASE (https://api.stripe.com unless set); answers are JSON objects, errors
`{"error": {"type", "code", "message"}}`. Card details go from the buyer's browser to Stripe
and never reach us: we hold only the PaymentIntent id. Webhook signatures are checked in
payments.domain.signatures.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal

from django.conf import settings

from ..domain.amounts import to_minor_units
from .base import GatewayError, GatewayRefund, PaymentGateway, PaymentStart
from .transport import open_url

log = logging.getLogger(__name__)


def _flatten(params: dict, prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding of nested dicts: metadata[order_number]=DP…"""
    pairs = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict):
            pairs.extend(_flatten(value, name))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                pairs.append((f"{name}[{i}]", str(item)))
        elif value is not None:
            pairs.append((name, str(value).lower() if isinstance(value, bool) else str(value)))
    return pairs


class StripeGateway(PaymentGateway):
    code = "stripe"
    name = "银行卡 / 钱包（Stripe）"
    name_en = "Card or wallet (Stripe)"
    description = "使用银行卡或电子钱包在线支付，卡号由 Stripe 处理，本店不保存。"
    description_en = "Pay online by card or wallet; Stripe handles the card, we never see or keep it."
    offline = False
    refunds_online = True
    lists_refunds = True

    key_settings = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")

    def is_enabled(self) -> bool:
        return bool(getattr(settings, "STRIPE_SECRET_KEY", ""))

    # --- HTTP ---------------------------------------------------------------------------------
    def _request(self, method: str, path: str, params: dict | None = None, idempotency_key: str = "") -> dict:
        base = (getattr(settings, "STRIPE_API_BASE", "") or "https://api.stripe.com").rstrip("/")
        data = urllib.parse.urlencode(_flatten(params or {})).encode() if method == "POST" else None
        request = urllib.request.Request(f"{base}{path}", data=data, method=method)
        request.add_header("Authorization", f"Bearer {settings.STRIPE_SECRET_KEY}")
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        if idempotency_key:
            request.add_header("Idempotency-Key", idempotency_key)
        try:
            with open_url(request, what="stripe") as response:
                return json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as exc:
            try:
                error = json.loads(exc.read().decode() or "{}").get("error", {})
            except ValueError:
                error = {}
            log.warning("stripe refused %s %s: %s %s", method, path, exc.code, error.get("code", ""))
            raise GatewayError(
                error.get("message") or f"HTTP {exc.code}",
                code=error.get("code", "") or str(exc.code),
                answered=exc.code < 500,
            ) from None
        except (TimeoutError, urllib.error.URLError, ConnectionError, ValueError) as exc:
            log.warning("stripe unreachable for %s %s: %s", method, path, exc)
            raise GatewayError(str(exc), code="unreachable", answered=False) from None

    # --- the gateway interface ----------------------------------------------------------------
    def _start(self, intent: dict, language: str) -> PaymentStart:
        if language.startswith("en"):
            text = "Complete the payment by card or wallet below; the order is confirmed as soon as Stripe tells us."
        else:
            text = "请在下方使用银行卡或电子钱包完成支付；Stripe 通知我们后订单即确认。"
        return PaymentStart(
            gateway=self.code,
            instructions=text,
            reference=intent["id"],
            client_data={"client_secret": intent.get("client_secret", "")},
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
        intent = self._request(
            "POST",
            "/v1/payment_intents",
            {
                "amount": to_minor_units(amount),
                "currency": "cny",
                "metadata": {"order_number": order_number},
                "automatic_payment_methods": {"enabled": True},
            },
            idempotency_key=idempotency_key or f"dianpu-order-{order_number}",
        )
        return self._start(intent, language)

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
        intent = self._request("GET", f"/v1/payment_intents/{urllib.parse.quote(reference)}")
        return self._start(intent, language)

    def refund(
        self, *, payment_reference: str, amount: Decimal, idempotency_key: str, metadata: dict | None = None
    ) -> GatewayRefund:
        answer = self._request(
            "POST",
            "/v1/refunds",
            {
                "payment_intent": payment_reference,
                "amount": to_minor_units(amount),
                "metadata": metadata or {},
            },
            idempotency_key=idempotency_key,
        )
        return GatewayRefund(reference=answer.get("id", ""), status=answer.get("status", "pending"))

    def list_refunds(self, *, payment_reference: str) -> list[GatewayRefund]:
        answer = self._request(
            "GET", "/v1/refunds?" + urllib.parse.urlencode({"payment_intent": payment_reference, "limit": 100})
        )
        return [
            GatewayRefund(reference=r.get("id", ""), status=r.get("status", ""), metadata=r.get("metadata") or {})
            for r in answer.get("data", [])
        ]
