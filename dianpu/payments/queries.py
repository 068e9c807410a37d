from django.utils.translation import get_language

from .gateways import PaymentStart, get_gateway, list_gateways


def list_payment_methods() -> list[dict]:
    english = (get_language() or "").startswith("en")
    return [
        {"code": g.code, "name": g.name_en if english else g.name,
         "description": g.description_en if english else g.description, "pays_on_delivery": g.pays_on_delivery}
        for g in list_gateways()
    ]


def payment_start_for(*, payment_method: str, order_number: str, amount, email: str,
                      language: str) -> PaymentStart | None:
    """What the customer needs to pay an order (e.g. the bank account for a transfer), as its
    gateway says; None for a method that no longer exists."""
    gateway = get_gateway(payment_method)
    if gateway is None:
        return None
    return gateway.start_payment(order_number=order_number, amount=amount, email=email, language=language)
