from django.utils.translation import get_language

from dianpu.core.errors import DomainError

from .carriers import CARRIERS
from .domain.rates import MethodRate, calculate_shipping_fee
from .messages import MESSAGES
from .models import ShippingMethod


def list_shipping_methods():
    return list(ShippingMethod.objects.filter(is_active=True))


def get_shipping_method(code: str) -> ShippingMethod:
    method = ShippingMethod.objects.filter(code=code, is_active=True).first()
    if method is None:
        raise DomainError(MESSAGES["shipping_method_unknown"], code="shipping_method_unknown", status=422,
                          field="shipping_method")
    return method


def needs_tracking(code: str) -> bool:
    """Whether an order sent by this method ships with a carrier and tracking number (all but
    pick-up in store). An unknown or retired method is treated as a parcel."""
    return ShippingMethod.objects.filter(code=code, needs_tracking=False).values_list("pk").first() is None


def quote_shipping(method: ShippingMethod, merchandise_total):
    return calculate_shipping_fee(MethodRate(method.code, method.fee, method.free_over),
                                  merchandise_total=merchandise_total)


def list_carriers() -> list[dict]:
    english = (get_language() or "").startswith("en")
    return [{"code": c.code, "name": c.name_en if english else c.name, "example": c.example}
            for c in CARRIERS.values()]
