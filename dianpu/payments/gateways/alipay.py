"""Alipay (支付宝) computer-website payment, signed with RSA2 (SHA256withRSA).

The buyer is sent to Alipay with a signed alipay.trade.page.pay request (no server-to-server
call is needed to start); Alipay's asynchronous notification, verified with Alipay's public key,
confirms the payment. Refunds are recorded as manual (issued in Alipay's merchant console).
"""

import json
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings

from ..domain.alipay import sign_request
from ..domain.rsa import parse_private_key
from .base import PaymentGateway, PaymentStart


class AlipayGateway(PaymentGateway):
    code = "alipay"
    name = "支付宝"
    name_en = "Alipay"
    description = "跳转到支付宝完成付款。"
    description_en = "Pay on Alipay's site."
    offline = False

    def is_enabled(self) -> bool:
        return bool(getattr(settings, "ALIPAY_APP_ID", "") and getattr(settings, "ALIPAY_PRIVATE_KEY", "")
                    and getattr(settings, "ALIPAY_PUBLIC_KEY", ""))

    def page_pay_url(self, *, order_number: str, amount: Decimal) -> str:
        params = {
            "app_id": settings.ALIPAY_APP_ID, "method": "alipay.trade.page.pay", "format": "JSON",
            "charset": "utf-8", "sign_type": "RSA2", "version": "1.0",
            "timestamp": datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S"),
            "notify_url": f"{settings.SITE_URL}/api/v1/payments/alipay/notify",
            "biz_content": json.dumps({"out_trade_no": order_number, "total_amount": f"{Decimal(amount):.2f}",
                                       "subject": f"{settings.SHOP_NAME} {order_number}",
                                       "product_code": "FAST_INSTANT_TRADE_PAY"}, ensure_ascii=False,
                                      separators=(",", ":")),
        }
        params["sign"] = sign_request(params, parse_private_key(settings.ALIPAY_PRIVATE_KEY))
        return f"{settings.ALIPAY_GATEWAY_URL}?{urlencode(params)}"

    def start_payment(self, *, order_number: str, amount: Decimal, email: str, language: str) -> PaymentStart:
        text = ("Continue to Alipay to pay." if language.startswith("en") else "请前往支付宝完成付款。")
        return PaymentStart(gateway=self.code, instructions=text, reference=order_number,
                            client_data={"redirect_url": self.page_pay_url(order_number=order_number, amount=amount)})

    def resume_payment(self, *, reference: str, order_number: str, amount: Decimal, language: str) -> PaymentStart:
        return self.start_payment(order_number=order_number, amount=amount, email="", language=language)
