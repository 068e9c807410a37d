from decimal import Decimal

from ninja import Router, Schema

from .queries import list_carriers, list_shipping_methods

router = Router(tags=["fulfillment"])


class ShippingMethodOut(Schema):
    code: str
    name: str
    fee: Decimal
    free_over: Decimal | None
    delivery_days_min: int
    delivery_days_max: int


class CarrierOut(Schema):
    code: str
    name: str
    example: str


@router.get("/shipping-methods", response=list[ShippingMethodOut], summary="Active shipping methods and their fees")
def shipping_methods(request):
    return [{"code": m.code, "name": m.display_name, "fee": m.fee, "free_over": m.free_over,
             "delivery_days_min": m.delivery_days_min, "delivery_days_max": m.delivery_days_max}
            for m in list_shipping_methods()]


@router.get("/carriers", response=list[CarrierOut], summary="Carriers (a tracking number example each)")
def carriers(request):
    return list_carriers()
