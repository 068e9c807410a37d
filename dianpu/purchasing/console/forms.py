"""Forms of the purchasing pages: parse and check input; services decide."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from dianpu.inventory.models import Warehouse
from dianpu.purchasing.models import PurchaseOrder, Supplier
from dianpu.purchasing.services import LineInput


class SupplierForm(forms.Form):
    code = forms.CharField(label=_("编码"), max_length=30)
    name = forms.CharField(label=_("名称"), max_length=120)
    contact_name = forms.CharField(label=_("联系人"), max_length=60, required=False)
    email = forms.EmailField(label=_("邮箱"), required=False)
    phone = forms.CharField(label=_("电话"), max_length=30, required=False)
    lead_time_days = forms.IntegerField(label=_("交货周期（天）"), min_value=0, max_value=365, initial=7)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class SupplierEditForm(SupplierForm):
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["code"]


class SupplierPriceForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    unit_cost = forms.DecimalField(label=_("采购价"), min_value=0, max_digits=12, decimal_places=2)
    min_order_quantity = forms.IntegerField(label=_("起订量"), min_value=1, initial=1)
    supplier_sku = forms.CharField(label=_("供应商货号"), max_length=64, required=False)


LINE = re.compile(r"[\s,，;；]+")


class PurchaseOrderForm(forms.Form):
    supplier = forms.ModelChoiceField(
        label=_("供应商"), queryset=Supplier.objects.filter(is_active=True), to_field_name="code"
    )
    warehouse = forms.ModelChoiceField(label=_("收货仓库"), queryset=Warehouse.objects.all(), to_field_name="code")
    lines = forms.CharField(
        label=_("商品行"),
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "TEE-M 20\nTEE-L 10 28.50"}),
        help_text=_("每行一个 SKU：SKU 数量 [采购价]；不填采购价时用供应商报价。"),
    )
    note = forms.CharField(label=_("备注"), max_length=300, required=False)

    def clean_lines(self) -> list[LineInput]:
        parsed, errors = [], []
        for number, raw in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            parts = [p for p in LINE.split(raw.strip()) if p]
            if not parts:
                continue
            if len(parts) not in (2, 3) or not parts[1].isdigit() or int(parts[1]) <= 0:
                errors.append(_("第 %(line)s 行：应为“SKU 数量 [采购价]”，数量为正整数。") % {"line": number})
                continue
            cost = None
            if len(parts) == 3:
                try:
                    cost = Decimal(parts[2])
                except InvalidOperation:
                    errors.append(_("第 %(line)s 行：采购价不是金额。") % {"line": number})
                    continue
            parsed.append(LineInput(parts[0], int(parts[1]), cost))
        if errors:
            raise forms.ValidationError(errors)
        if not parsed:
            raise forms.ValidationError(_("采购单至少需要一行商品。"))
        return parsed


class OrderFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("采购单号 / 供应商")}),
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态"))] + list(PurchaseOrder.Status.choices)
    )


def receipt_form(order, data=None):
    """One quantity field per outstanding line, plus "allow over-receipt" and a note."""
    form = forms.Form(data)
    for line in order.lines.all():
        form.fields[f"qty_{line.variant.sku}"] = forms.IntegerField(
            label=line.variant.sku,
            min_value=0,
            required=False,
            initial=None,
            error_messages={"invalid": _("请输入整数。"), "min_value": _("数量不能为负数。")},
        )
    form.fields["allow_over"] = forms.BooleanField(label=_("允许超收（到货多于订购）"), required=False)
    form.fields["note"] = forms.CharField(label=_("备注"), max_length=200, required=False)
    return form


def received_quantities(form) -> dict[str, int]:
    return {name[4:]: value for name, value in form.cleaned_data.items() if name.startswith("qty_") and value}
