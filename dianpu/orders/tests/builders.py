from dianpu.checkout.domain.validation import CheckoutLine, CheckoutRequest
from dianpu.checkout.services import place_order

ADDRESS = {
    "name": "张三",
    "phone": "13800138000",
    "country": "CN",
    "province": "上海市",
    "city": "上海市",
    "district": "黄浦区",
    "line1": "南京东路 100 号",
    "postcode": "200001",
}


def checkout_request(
    lines: dict[str, int],
    *,
    email="buyer@example.com",
    payment_method="bank_transfer",
    shipping_method="standard",
    address=None,
    language="zh-hans",
) -> CheckoutRequest:
    return CheckoutRequest(
        email=email,
        lines=tuple(CheckoutLine(sku, q) for sku, q in lines.items()),
        shipping_address=dict(address or ADDRESS),
        shipping_method=shipping_method,
        payment_method=payment_method,
        language=language,
    )


def place_test_order(lines: dict[str, int], **kwargs):
    """Place an order through the real checkout; returns the Order."""
    return place_order(checkout_request(lines, **kwargs)).order
