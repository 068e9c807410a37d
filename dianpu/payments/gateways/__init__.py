"""Registry of payment gateways, by code."""

from .alipay import AlipayGateway
from .bank_transfer import BankTransferGateway
from .base import GatewayError, GatewayRefund, PaymentGateway, PaymentStart
from .cash_on_delivery import CashOnDeliveryGateway
from .stripe import StripeGateway
from .wechatpay import WeChatPayGateway

GATEWAYS: dict[str, PaymentGateway] = {
    g.code: g
    for g in (BankTransferGateway(), CashOnDeliveryGateway(), StripeGateway(), AlipayGateway(), WeChatPayGateway())
}


def get_gateway(code: str) -> PaymentGateway | None:
    gateway = GATEWAYS.get(code)
    return gateway if gateway is not None and gateway.is_enabled() else None


def get_any_gateway(code: str) -> PaymentGateway | None:
    """A gateway by code even if switched off since (refunds of payments it took)."""
    return GATEWAYS.get(code)


def list_gateways() -> list[PaymentGateway]:
    return [g for g in GATEWAYS.values() if g.is_enabled()]


__all__ = [
    "GATEWAYS",
    "GatewayError",
    "GatewayRefund",
    "PaymentGateway",
    "PaymentStart",
    "get_any_gateway",
    "get_gateway",
    "list_gateways",
]
