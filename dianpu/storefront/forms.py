"""Storefront forms. They parse and keep what the shopper typed; the rules live in the
cart and checkout services, whose per-field errors are attached back to these fields."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from dianpu.cart.domain import MAX_LINE_QUANTITY

# Checkout service field names -> form field names.
ADDRESS_FIELDS = ("name", "phone", "country", "province", "city", "district", "line1", "line2", "postcode")
SEARCH_MAX_LENGTH = 100


QUANTITY_ERROR = _("数量必须是 1 到 999 之间的整数。")


def _quantity(min_value: int):
    return forms.IntegerField(
        min_value=min_value,
        max_value=MAX_LINE_QUANTITY,
        initial=1,
        error_messages={
            "invalid": QUANTITY_ERROR,
            "min_value": QUANTITY_ERROR,
            "max_value": QUANTITY_ERROR,
            "required": _("请填写数量。"),
        },
    )


class AddToCartForm(forms.Form):
    sku = forms.CharField(
        max_length=64, error_messages={"required": _("请选择商品规格。"), "max_length": _("该商品不存在或已下架。")}
    )
    quantity = _quantity(1)

    def first_error(self) -> str:
        for errors in self.errors.values():
            return str(errors[0])
        return ""


class CartUpdateForm(AddToCartForm):
    """A cart line's new quantity; 0 removes the line."""

    quantity = _quantity(0)


def _text(label, max_length, **attrs):
    # No max_length validation here: the checkout service checks lengths and says which field;
    # the browser's maxlength stops most over-long input before it is sent.
    return forms.CharField(
        label=label, required=False, strip=True, widget=forms.TextInput(attrs={"maxlength": max_length, **attrs})
    )


class CheckoutForm(forms.Form):
    email = forms.CharField(
        label=_("邮箱"),
        required=False,
        widget=forms.EmailInput(attrs={"maxlength": 254, "autocomplete": "email", "required": True}),
    )
    name = _text(_("收货人"), 100, autocomplete="name")
    phone = _text(_("手机号码"), 30, autocomplete="tel", inputmode="tel")
    country = _text(_("国家/地区"), 2, autocomplete="country")
    province = _text(_("省份"), 50, autocomplete="address-level1")
    city = _text(_("城市"), 50, autocomplete="address-level2")
    district = _text(_("区县"), 50, autocomplete="address-level3")
    line1 = _text(_("详细地址"), 200, autocomplete="address-line1")
    line2 = _text(_("地址补充"), 200, autocomplete="address-line2")
    postcode = _text(_("邮编"), 12, autocomplete="postal-code", inputmode="numeric")
    note = forms.CharField(
        label=_("买家留言"), required=False, widget=forms.Textarea(attrs={"maxlength": 500, "rows": 3})
    )
    shipping_method = forms.CharField(label=_("配送方式"), required=False)
    payment_method = forms.CharField(label=_("支付方式"), required=False)
    points = forms.IntegerField(
        label=_("使用积分"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
        error_messages={"invalid": _("积分必须是不小于 0 的整数。"), "min_value": _("积分必须是不小于 0 的整数。")},
    )

    REQUIRED = ("email", "name", "phone", "country", "province", "city", "line1")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            self.fields[name].widget.attrs["required"] = True

    def shipping_address(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in ADDRESS_FIELDS}

    def attach_errors(self, errors: dict[str, str]) -> list[str]:
        """Put the service's per-field errors next to their fields; return the ones that
        belong to no field (cart lines) for the summary."""
        unplaced = []
        for key, message in errors.items():
            name = key.removeprefix("shipping_address.")
            if name in self.fields:
                self.add_error(name, message)
            else:
                unplaced.append(message)
        return unplaced


class OrderLookupForm(forms.Form):
    number = forms.CharField(
        label=_("订单号"),
        max_length=20,
        error_messages={"required": _("请填写订单号。"), "max_length": _("订单号不正确。")},
    )
    email = forms.CharField(
        label=_("下单邮箱"),
        max_length=254,
        error_messages={"required": _("请填写下单时使用的邮箱。"), "max_length": _("邮箱地址过长。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


def parse_price(raw) -> Decimal | None:
    """A price filter bound from the query string; anything unusable is ignored."""
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value < 0 or value > Decimal("100000000"):
        return None
    return value.quantize(Decimal("0.01"))
