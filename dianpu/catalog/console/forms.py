"""Forms of the product pages: parse and validate input; the services decide and write."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dianpu.catalog.models import Category, Product

PRODUCT_TEXT_FIELDS = ("name", "name_en", "brand", "seo_title", "seo_description")
PRODUCT_HTML_FIELDS = ("description", "description_en")
PRICE_FIELDS = ("price", "compare_at_price", "cost_price")
VARIANT_DETAIL_FIELDS = ("options", "options_en", "weight_grams", "barcode")


def parse_options(text: str) -> dict:
    """ "颜色=红; 尺码=M" -> {"颜色": "红", "尺码": "M"} (also accepts ； and ：/: separators)."""
    options = {}
    for part in (text or "").replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        for sep in ("=", "＝", ":", "："):
            if sep in part:
                key, value = part.split(sep, 1)
                break
        else:
            raise forms.ValidationError(_("规格格式应为“颜色=红; 尺码=M”。"), code="options_invalid")
        key, value = key.strip(), value.strip()
        if not key or not value:
            raise forms.ValidationError(_("规格格式应为“颜色=红; 尺码=M”。"), code="options_invalid")
        options[key] = value
    return options


def format_options(options: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in (options or {}).items())


def parse_tags(text: str) -> list[str]:
    return [t.strip() for t in (text or "").replace("，", ",").split(",") if t.strip()]


def normalize_text(value) -> str:
    """What a browser sends back for unchanged text: line endings and outer spaces may differ."""
    return (value or "").replace("\r\n", "\n").strip()


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class ProductForm(forms.Form):
    name = forms.CharField(label=_("商品名称"), max_length=120)
    name_en = forms.CharField(label=_("英文名称"), max_length=120, required=False)
    brand = forms.CharField(
        label=_("品牌"), max_length=80, required=False, widget=forms.TextInput(attrs={"list": "brand-options"})
    )
    category = CategoryChoiceField(
        label=_("类目"), queryset=Category.objects.all(), required=False, empty_label=_("（无类目）")
    )
    tags = forms.CharField(label=_("标签"), required=False, help_text=_("多个标签用逗号分隔"))
    status = forms.ChoiceField(label=_("状态"), choices=Product.Status.choices)
    description = forms.CharField(
        label=_("描述"),
        required=False,
        widget=forms.Textarea,
        strip=False,
        help_text=_("可使用 HTML，保存时会清理不安全的标签"),
    )
    description_en = forms.CharField(label=_("英文描述"), required=False, widget=forms.Textarea, strip=False)
    seo_title = forms.CharField(label=_("SEO 标题"), max_length=70, required=False)
    seo_description = forms.CharField(
        label=_("SEO 描述"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("修改原因"), max_length=200, required=False, help_text=_("记入审计日志与库存流水（可选）")
    )
    override_floor = forms.BooleanField(label=_("确认低于底价（必须填写原因）"), required=False)

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("position", "id")
        self.fields["description"].widget.attrs["rows"] = 6
        self.fields["description_en"].widget.attrs["rows"] = 4

    def lock(self, field_names) -> None:
        """Show fields the user may not change as read-only."""
        for name in field_names:
            widget = self.fields[name].widget
            if isinstance(widget, forms.Select):
                widget.attrs["disabled"] = True
            else:
                widget.attrs["readonly"] = True


class VariantForm(forms.Form):
    sku = forms.CharField(label=_("SKU 编码"), max_length=64)
    options = forms.CharField(
        label=_("规格"), required=False, widget=forms.TextInput(attrs={"placeholder": _("颜色=红; 尺码=M")})
    )
    options_en = forms.CharField(
        label=_("英文规格值"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("颜色=Red; 尺码=M")}),
        help_text=_("英文页面显示的规格值，名称与中文规格相同"),
    )
    price = forms.DecimalField(label=_("售价"), max_digits=12, decimal_places=2, min_value=Decimal("0"))
    compare_at_price = forms.DecimalField(
        label=_("划线价"), max_digits=12, decimal_places=2, required=False, min_value=Decimal("0")
    )
    cost_price = forms.DecimalField(
        label=_("成本价"), max_digits=12, decimal_places=2, required=False, min_value=Decimal("0")
    )
    weight_grams = forms.IntegerField(label=_("重量（克）"), required=False, min_value=0)
    barcode = forms.CharField(label=_("条码"), max_length=32, required=False)
    stock = forms.IntegerField(label=_("在库数量"), required=False, min_value=0)

    def clean_options(self):
        return parse_options(self.cleaned_data.get("options", ""))

    def clean_options_en(self):
        return parse_options(self.cleaned_data.get("options_en", ""))

    def clean(self):
        cleaned = super().clean()
        unknown = set(cleaned.get("options_en") or {}) - set(cleaned.get("options") or {})
        if unknown:
            self.add_error(
                "options_en",
                forms.ValidationError(
                    _("英文规格值的名称须与中文规格一致：%(names)s") % {"names": "、".join(sorted(unknown))},
                    code="options_en_unknown",
                ),
            )
        return cleaned

    def lock(self, field_names) -> None:
        for name in field_names:
            self.fields[name].widget.attrs["readonly"] = True


class ExistingVariantForm(VariantForm):
    """A row for a SKU the product already has: the SKU itself is the row's key, not editable."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sku"].widget = forms.HiddenInput()


class BaseVariantFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            sku = (form.cleaned_data or {}).get("sku")
            if not sku:
                continue
            if sku in seen:
                raise forms.ValidationError(_("同一商品中 SKU 编码重复。"), code="sku_duplicated")
            seen.add(sku)


def variant_formset(form=VariantForm, extra=1, min_num=0):
    return forms.formset_factory(
        form, formset=BaseVariantFormSet, extra=extra, min_num=min_num, validate_min=bool(min_num), max_num=200
    )


class ImageForm(forms.Form):
    image = forms.ImageField(label=_("图片"))
    alt_text = forms.CharField(
        label=_("替代文字"), max_length=200, required=False, help_text=_("描述图片内容，供读屏软件和搜索引擎使用")
    )


class ProductFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("商品名称或 SKU")}),
    )
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *Product.Status.choices])
    category = CategoryChoiceField(
        label=_("类目"), queryset=Category.objects.order_by("position", "id"), required=False, empty_label=_("全部类目")
    )
