"""Registry of payment gateways, by code."""

from .bank_transfer import BankTransferGateway
from .base import PaymentGateway, PaymentStart
from .cash_on_delivery import CashOnDeliveryGateway

GATEWAYS: dict[str, PaymentGateway] = {g.code: g for g in (BankTransferGateway(), CashOnDeliveryGateway())}


def get_gateway(code: str) -> PaymentGateway | None:
    gateway = GATEWAYS.get(code)
    return gateway if gateway is not None and gateway.is_enabled() else None


def list_gateways() -> list[PaymentGateway]:
    return [g for g in GATEWAYS.values() if g.is_enabled()]


__all__ = ["GATEWAYS", "PaymentGateway", "PaymentStart", "get_gateway", "list_gateways"]
