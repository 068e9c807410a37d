"""The gateway interface every payment method implements."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class PaymentStart:
    """What the customer needs to pay: instructions to show, or a client secret for a widget."""

    gateway: str
    instructions: str = ""
    reference: str = ""
    client_data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayRefund:
    """A refund as the gateway answered it: its id and status (succeeded, pending or failed)."""

    reference: str
    status: str
    metadata: dict = field(default_factory=dict)


class GatewayError(Exception):
    """The gateway refused a request (`answered` True: nothing happened there) or could not be
    reached (`answered` False: the outcome is unknown until its notification arrives)."""

    def __init__(self, message: str, *, code: str = "", answered: bool = True):
        super().__init__(message)
        self.code = code
        self.answered = answered


class PaymentGateway:
    code: str = ""
    name: str = ""  # zh-Hans
    name_en: str = ""
    description: str = ""
    description_en: str = ""
    # Offline methods are paid outside the shop and confirmed by staff (bank transfer) or on
    # delivery (cash on delivery).
    offline: bool = True
    # Cash on delivery: the order may ship before it is paid.
    pays_on_delivery: bool = False
    # Refunds go back through the gateway's API (else they are recorded as manual).
    refunds_online: bool = False
    # The gateway can list a payment's refunds (refunds whose answer was lost are settled from it).
    lists_refunds: bool = False
    # The environment settings holding its keys (the settings page says which are set).
    key_settings: tuple[str, ...] = ()

    def is_enabled(self) -> bool:
        return True

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
        """Start paying an order. Online gateways call their service here (never inside a database
        transaction): `idempotency_key` makes a retried start return the same payment at the
        gateway; `client_ip`, `mobile` and `openid` choose the flavour (WeChat Pay: QR code, H5, or
        JSAPI inside WeChat's own browser for the buyer `openid` found by WeChat's web OAuth)."""
        raise NotImplementedError

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
        """The same payment again (a confirmation page reloaded): online gateways fetch the
        existing attempt rather than start a second one."""
        return self.start_payment(
            order_number=order_number,
            amount=amount,
            email="",
            language=language,
            client_ip=client_ip,
            mobile=mobile,
            openid=openid,
        )

    def refund(
        self, *, payment_reference: str, amount: Decimal, idempotency_key: str, metadata: dict | None = None
    ) -> GatewayRefund | None:
        """Send money back through the gateway. None: this method has no gateway to send it
        through (bank transfer, cash on delivery), and staff return it by hand (a manual refund)."""
        return None

    def list_refunds(self, *, payment_reference: str) -> list[GatewayRefund]:
        """The refunds the gateway holds for a payment (reconciling refunds whose answer was lost)."""
        return []
