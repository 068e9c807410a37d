from ninja import Router, Schema

from .queries import list_payment_methods

router = Router(tags=["payments"])


class PaymentMethodOut(Schema):
    code: str
    name: str
    description: str
    pays_on_delivery: bool


@router.get("/payment-methods", response=list[PaymentMethodOut], summary="Payment methods the shop accepts")
def payment_methods(request):
    return list_payment_methods()
