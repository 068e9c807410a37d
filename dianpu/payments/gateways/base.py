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

    def is_enabled(self) -> bool:
        return True

    def start_payment(self, *, order_number: str, amount: Decimal, email: str, language: str) -> PaymentStart:
        raise NotImplementedError
