from decimal import Decimal

from django.db import transaction

from dianpu.core import clock

from .models import Payment


@transaction.atomic
def record_payment(*, order_id: int, gateway: str, amount: Decimal, reference: str = "", actor=None) -> Payment:
    """Money received for an order (staff confirming a transfer, a courier's COD collection)."""
    person = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return Payment.objects.create(order_id=order_id, gateway=gateway, amount=amount, reference=reference,
                                  recorded_by=person, created_at=clock.now())
