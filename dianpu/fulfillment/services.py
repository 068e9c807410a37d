from django.db import transaction

from dianpu.core import clock
from dianpu.core.errors import DomainError

from .carriers import get_carrier
from .messages import MESSAGES
from .models import Shipment


def validate_tracking(carrier_code: str, tracking_number: str) -> tuple[str, str]:
    """(carrier code, normalised tracking number), or a DomainError saying what is wrong."""
    carrier = get_carrier(carrier_code or "")
    if carrier is None:
        raise DomainError(MESSAGES["carrier_unknown"], code="carrier_unknown", status=422, field="carrier")
    if not carrier.is_valid_tracking_number(tracking_number):
        detail = str(MESSAGES["tracking_number_invalid"]) % {"carrier": carrier.name, "example": carrier.example}
        raise DomainError(detail, code="tracking_number_invalid", status=422, field="tracking_number")
    return carrier.code, carrier.normalize(tracking_number)


@transaction.atomic
def create_shipment(*, order_id: int, carrier: str, tracking_number: str, actor=None) -> Shipment:
    carrier_code, number = validate_tracking(carrier, tracking_number)
    person = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return Shipment.objects.create(order_id=order_id, carrier=carrier_code, tracking_number=number,
                                   shipped_at=clock.now(), shipped_by=person)
