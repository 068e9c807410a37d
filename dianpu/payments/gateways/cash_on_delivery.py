from decimal import Decimal

from .base import PaymentGateway, PaymentStart


class CashOnDeliveryGateway(PaymentGateway):
    code = "cod"
    name = "货到付款"
    name_en = "Cash on delivery"
    description = "快递员送货时当面付款。"
    description_en = "Pay the courier when the parcel arrives."
    pays_on_delivery = True

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
        if language.startswith("en"):
            text = f"Please have ¥{amount} ready when your parcel arrives."
        else:
            text = f"收货时请向快递员支付 ¥{amount}。"
        return PaymentStart(gateway=self.code, instructions=text, reference=order_number)
