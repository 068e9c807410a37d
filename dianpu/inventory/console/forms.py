"""Forms of the stock pages: they parse and check what a person typed; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dianpu.catalog.models import Category
from dianpu.inventory.domain.cover import DEFAULT_WINDOW, WINDOWS
from dianpu.inventory.messages import ACTION_LABELS, ADJUSTMENT_REASONS
from dianpu.inventory.models import StockMove, Warehouse

QUANTITY_ERRORS = {"invalid": _("请输入整数。"), "min_value": _("数量必须大于 0。"), "required": _("请填写数量。")}


def warehouse_field(label, required=True):
    field = forms.ModelChoiceField(
        label=label,
        queryset=Warehouse.objects.all(),
        to_field_name="code",
        required=required,
        empty_label=_("全部仓库") if not required else None,
    )
    field.label_from_instance = lambda warehouse: warehouse.display_name  # English on English pages
    return field


class LevelFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("SKU / 条码 / 商品名")}),
    )
    warehouse = warehouse_field(_("仓库"), required=False)
    low = forms.BooleanField(label=_("只看低于安全库存"), required=False)


class LedgerFilterForm(forms.Form):
    warehouse = warehouse_field(_("仓库"), required=False)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型"))] + list(StockMove.Kind.choices)
    )


class TransferForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=64)
    from_warehouse = warehouse_field(_("调出仓"))
    to_warehouse = warehouse_field(_("调入仓"))
    quantity = forms.IntegerField(label=_("数量"), min_value=1, error_messages=QUANTITY_ERRORS)
    reason = forms.CharField(label=_("说明"), max_length=150, required=False)


class AdjustmentForm(forms.Form):
    DIRECTIONS = [("out", _("减少")), ("in", _("增加"))]
    sku = forms.CharField(label=_("SKU"), max_length=64)
    warehouse = warehouse_field(_("仓库"))
    direction = forms.ChoiceField(label=_("方向"), choices=DIRECTIONS)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, error_messages=QUANTITY_ERRORS)
    reason_code = forms.ChoiceField(label=_("原因"), choices=[("", "—")] + list(ADJUSTMENT_REASONS.items()))
    note = forms.CharField(label=_("说明"), max_length=150, required=False)

    def delta(self) -> int:
        q = self.cleaned_data["quantity"]
        return q if self.cleaned_data["direction"] == "in" else -q


class SafetyStockForm(forms.Form):
    warehouse = warehouse_field(_("仓库"))
    safety_stock = forms.IntegerField(
        label=_("安全库存"),
        min_value=0,
        error_messages={
            "invalid": _("请输入整数。"),
            "min_value": _("安全库存不能为负数。"),
            "required": _("请填写安全库存。"),
        },
    )


class WarehouseForm(forms.Form):
    code = forms.CharField(label=_("编码"), max_length=20)
    name = forms.CharField(label=_("名称"), max_length=100)
    name_en = forms.CharField(label=_("英文名称"), max_length=100, required=False)
    is_default = forms.BooleanField(label=_("设为默认仓"), required=False)


SORT_CHOICES = [
    ("sku", _("SKU")),
    ("cover", _("可售天数（少→多）")),
    ("-cover", _("可售天数（多→少）")),
    ("-sold", _("30 天销量（多→少）")),
    ("available", _("可用（少→多）")),
    ("-available", _("可用（多→少）")),
    ("-age", _("库龄（老→新）")),
]


def _with_defaults(data, **defaults):
    """A bound form shows what the page uses: a parameter left out gets its default (the window
    drop-down said 7 days while the figures used 30 when only ?page= or ?q= was given)."""
    if data is None:
        return None
    data = data.copy()
    for key, value in defaults.items():
        if not data.get(key):
            data[key] = value
    return data


class CoverFilterForm(forms.Form):
    window = forms.TypedChoiceField(
        label=_("统计窗口"),
        coerce=int,
        required=False,
        choices=[(w, _("近 %(days)s 天") % {"days": w}) for w in WINDOWS],
    )
    warehouse = warehouse_field(_("仓库"), required=False)
    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    action = forms.ChoiceField(
        label=_("建议"), required=False, choices=[("", _("全部建议"))] + list(ACTION_LABELS.items())
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)
    slow = forms.BooleanField(label=_("只看滞销 / 积压"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(_with_defaults(data, window=str(DEFAULT_WINDOW)), initial={"window": DEFAULT_WINDOW}, **kwargs)


class SheetFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("SKU / 条码 / 商品名")}),
    )
    action = forms.ChoiceField(
        label=_("建议"), required=False, choices=[("", _("全部建议"))] + list(ACTION_LABELS.items())
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_CHOICES)


class StocktakeForm(forms.Form):
    warehouse = warehouse_field(_("仓库"))
    category = forms.ModelChoiceField(
        label=_("类目（可选）"),
        queryset=Category.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("全部类目"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class CountForm(forms.Form):
    code = forms.CharField(
        label=_("SKU 或条码"),
        max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "inputmode": "text"}),
    )
    quantity = forms.IntegerField(
        label=_("数量"),
        min_value=0,
        initial=1,
        error_messages={
            "invalid": _("请输入整数。"),
            "min_value": _("数量不能为负数。"),
            "required": _("请填写数量。"),
        },
    )
    add = forms.BooleanField(label=_("累加（扫码）"), required=False, initial=True)
