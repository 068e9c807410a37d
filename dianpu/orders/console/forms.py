from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dianpu.fulfillment.carriers import CARRIERS
from dianpu.orders.messages import ACTION_LABELS
from dianpu.orders.models import Order
from dianpu.payments.gateways import GATEWAYS

# Not a stored status: the statuses an order waits in before it ships.
TO_SHIP = "to_ship"
TO_SHIP_STATUSES = (Order.Status.PAID, Order.Status.REVIEWED, Order.Status.PICKING)


def _english() -> bool:
    return (get_language() or "").startswith("en")


def carrier_choices():
    return [(c.code, c.name_en if _english() else c.name) for c in CARRIERS.values()]


def payment_method_choices():
    return [(g.code, g.name_en if _english() else g.name) for g in GATEWAYS.values()]


def payment_method_label(code: str) -> str:
    return dict(payment_method_choices()).get(code, code)


def carrier_label(code: str) -> str:
    return dict(carrier_choices()).get(code, code)


class OrderFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("订单号 / 邮箱 / 手机 / 运单号")}),
    )
    status = forms.ChoiceField(label=_("状态"), required=False)
    payment_method = forms.ChoiceField(label=_("支付方式"), required=False)
    channel = forms.CharField(
        label=_("渠道"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "web / shopify / …", "size": 10}),
    )
    date_from = forms.DateField(label=_("下单日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("全部状态")),
            (TO_SHIP, _("待发货（已付款/已审单/拣货中）")),
            *Order.Status.choices,
        ]
        self.fields["payment_method"].choices = [("", _("全部支付方式")), *payment_method_choices()]


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(k, v) for k, v in ACTION_LABELS.items() if k != "place"])
    carrier = forms.ChoiceField(label=_("承运商"), required=False)
    tracking_number = forms.CharField(label=_("运单号"), max_length=40, required=False)
    reason = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].choices = [("", _("选择承运商")), *carrier_choices()]
