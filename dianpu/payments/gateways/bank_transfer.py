import os
from decimal import Decimal

from dianpu.shop.queries import get_shop_profile

from .base import PaymentGateway, PaymentStart


class BankTransferGateway(PaymentGateway):
    code = "bank_transfer"
    name = "银行转账"
    name_en = "Bank transfer"

    # The deadline is the one the worker enforces (DIANPU_UNPAID_ORDER_TIMEOUT_HOURS).
    @property
    def description(self) -> str:
        return f"下单后请在 {get_shop_profile().unpaid_timeout_hours} 小时内转账，备注订单号；到账后我们会尽快发货。"

    @property
    def description_en(self) -> str:
        return (
            f"Transfer the total within {get_shop_profile().unpaid_timeout_hours} hours with the order number "
            "as the reference; we ship once it arrives."
        )

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
        account = os.environ.get("DIANPU_BANK_ACCOUNT", "招商银行 6225 8888 0000 1234 · 店铺（上海）电子商务有限公司")
        if language.startswith("en"):
            text = f"Transfer ¥{amount} to {account}, reference {order_number}."
        else:
            text = f"请转账 ¥{amount} 至 {account}，备注订单号 {order_number}。"
        return PaymentStart(gateway=self.code, instructions=text, reference=order_number)
