from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "carrier_unknown": _("未知的承运商。"),
    "tracking_number_invalid": _("运单号格式不符合 %(carrier)s 的规则（例如 %(example)s）。"),
    "shipping_method_unknown": _("未知或已停用的配送方式。"),
}
