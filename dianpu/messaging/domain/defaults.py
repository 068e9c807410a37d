"""The kinds of customer notification and their default subject and body per language.

Bodies use Django template syntax over plain data: `order` (number, customer_name, subtotal,
shipping_total, discount_total, grand_total, lines: name, variant, quantity, line_total), `shop_name`,
`status_url`, and per kind `payment_instructions`, `carrier_name`, `tracking_number`,
`tracking_url`, `return_number`, `return_kind`, `refund_amount`.
"""

LANGUAGES = ("zh-hans", "en")
KINDS = ("order_confirmed", "payment_received", "shipped", "delivered", "cancelled", "return_approved", "refund_made")
KIND_LABELS = {
    "order_confirmed": ("订单确认", "Order confirmed"),
    "payment_received": ("收到付款", "Payment received"),
    "shipped": ("已发货（含物流跟踪）", "Shipped (with tracking)"),
    "delivered": ("已签收", "Delivered"),
    "cancelled": ("订单取消", "Order cancelled"),
    "return_approved": ("售后已同意", "Return approved"),
    "refund_made": ("已退款", "Refund made"),
}
VARIABLES = {
    "order_confirmed": ("payment_instructions",),
    "shipped": ("carrier_name", "tracking_number", "tracking_url"),
    "return_approved": ("return_number", "return_kind"),
    "refund_made": ("return_number", "refund_amount"),
}

_LINES = {
    "zh-hans": (
        "{% for line in order.lines %}- {{ line.name }} {{ line.variant }} × {{ line.quantity }}  "
        "¥{{ line.line_total }}\n{% endfor %}{% if order.discount_total %}优惠：-¥{{ order.discount_total }}\n"
        "{% endif %}运费：¥{{ order.shipping_total }}\n合计：¥{{ order.grand_total }}\n"
    ),
    "en": (
        "{% for line in order.lines %}- {{ line.name }} {{ line.variant }} × {{ line.quantity }}  "
        "¥{{ line.line_total }}\n{% endfor %}{% if order.discount_total %}Discount: -¥{{ order.discount_total }}\n"
        "{% endif %}Shipping: ¥{{ order.shipping_total }}\nTotal: ¥{{ order.grand_total }}\n"
    ),
}
_HELLO = {"zh-hans": "{{ order.customer_name }}，您好：\n\n", "en": "Dear {{ order.customer_name }},\n\n"}
_FOOTER = {
    "zh-hans": "\n查看订单状态：{{ status_url }}\n\n{{ shop_name }}\n",
    "en": "\nView order status: {{ status_url }}\n\n{{ shop_name }}\n",
}

_TEXTS = {
    "order_confirmed": {
        "zh-hans": (
            "订单 {{ order.number }} 已确认",
            "我们已收到您的订单 {{ order.number }}，谢谢惠顾！\n"
            "{% if payment_instructions %}\n{{ payment_instructions }}\n{% endif %}\n",
        ),
        "en": (
            "Order {{ order.number }} confirmed",
            "We have received your order {{ order.number }}. Thank you for shopping with us!\n"
            "{% if payment_instructions %}\n{{ payment_instructions }}\n{% endif %}\n",
        ),
    },
    "payment_received": {
        "zh-hans": (
            "订单 {{ order.number }} 已收到付款",
            "订单 {{ order.number }} 的付款已到账，我们会尽快为您发货。\n\n",
        ),
        "en": (
            "Payment received for order {{ order.number }}",
            "Your payment for order {{ order.number }} has arrived; we will ship it as soon as possible.\n\n",
        ),
    },
    "shipped": {
        "zh-hans": (
            "订单 {{ order.number }} 已发货",
            "订单 {{ order.number }} 已发货。\n{% if tracking_number %}承运商：{{ carrier_name }}  "
            "运单号：{{ tracking_number }}\n物流跟踪：{{ tracking_url }}\n{% else %}商品已在门店交到您手中。\n"
            "{% endif %}\n",
        ),
        "en": (
            "Order {{ order.number }} has shipped",
            "Order {{ order.number }} has shipped.\n{% if tracking_number %}Carrier: {{ carrier_name }}  "
            "Tracking number: {{ tracking_number }}\nTrack the parcel: {{ tracking_url }}\n"
            "{% else %}You collected it in our store.\n{% endif %}\n",
        ),
    },
    "delivered": {
        "zh-hans": ("订单 {{ order.number }} 已签收", "订单 {{ order.number }} 已签收，欢迎再次光临。\n\n"),
        "en": (
            "Order {{ order.number }} delivered",
            "Order {{ order.number }} has been delivered. We hope to see you again soon.\n\n",
        ),
    },
    "cancelled": {
        "zh-hans": ("订单 {{ order.number }} 已取消", "订单 {{ order.number }} 已取消。如有疑问请回复此邮件。\n\n"),
        "en": (
            "Order {{ order.number }} cancelled",
            "Order {{ order.number }} has been cancelled. Reply to this email if you have any questions.\n\n",
        ),
    },
    "return_approved": {
        "zh-hans": (
            "售后申请 {{ return_number }} 已同意",
            "您对订单 {{ order.number }} 的售后申请（{{ return_kind }}，单号 {{ return_number }}）已同意。\n"
            "如需退回商品，请在包裹内附上售后单号，并在订单页面登记退回运单号。\n\n",
        ),
        "en": (
            "Your request {{ return_number }} is approved",
            "Your after-sales request for order {{ order.number }} ({{ return_kind }}, "
            "number {{ return_number }}) is approved.\nIf goods are to come back, put the request number "
            "in the parcel and enter the return tracking number on your order page.\n\n",
        ),
    },
    "refund_made": {
        "zh-hans": (
            "订单 {{ order.number }} 已退款 ¥{{ refund_amount }}",
            "订单 {{ order.number }} 已退款 ¥{{ refund_amount }}{% if return_number %}"
            "（售后单 {{ return_number }}）{% endif %}，款项将按原支付方式退回。\n\n",
        ),
        "en": (
            "Refund of ¥{{ refund_amount }} for order {{ order.number }}",
            "We have refunded ¥{{ refund_amount }} for order {{ order.number }}{% if return_number %} "
            "(request {{ return_number }}){% endif %}; it goes back the way you paid.\n\n",
        ),
    },
}


def default_template(kind: str, language: str) -> tuple[str, str]:
    """(subject, body) shipped with dianpu for a kind in a language (English for any non-Chinese)."""
    language = "zh-hans" if language.lower().startswith("zh") else "en"
    subject, middle = _TEXTS[kind][language]
    lines = _LINES[language] if kind in {"order_confirmed", "cancelled", "payment_received"} else ""
    return subject, _HELLO[language] + middle + lines + _FOOTER[language]


def normalize_language(language: str) -> str:
    return "zh-hans" if (language or "").lower().startswith("zh") else "en"
