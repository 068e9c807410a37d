"""The owner's shop settings page (店铺设置)."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError, NotFoundError, ValidationFailed
from dianpu.core.http import client_ip
from dianpu.fulfillment import queries as fulfillment_queries
from dianpu.fulfillment import services as fulfillment_services
from dianpu.payments import queries as payment_queries
from dianpu.shop import queries, services
from dianpu.shop.models import ShopSettings

FEE_MAX_PERCENT = Decimal("20")


class ShopSettingsForm(forms.ModelForm):
    shop_languages = forms.MultipleChoiceField(
        label=gettext_lazy("店面提供的语言"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=settings.LANGUAGES,
        help_text=gettext_lazy("都不勾选则提供全部语言"),
    )
    shop_default_language = forms.ChoiceField(
        label=gettext_lazy("默认语言"),
        required=False,
        choices=[("", gettext_lazy("（环境默认）")), *settings.LANGUAGES],
    )
    logo_upload = forms.FileField(
        label=gettext_lazy("上传新标志"), required=False, help_text=gettext_lazy("PNG、JPEG 或 WebP，不超过 512 KB")
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("删除标志"), required=False)

    class Meta:
        model = ShopSettings
        fields = services.FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _("留空则使用环境变量 DIANPU_SHOP_NAME：%(value)s") % {
            "value": settings.SHOP_NAME
        }
        self.fields["unpaid_timeout_hours"].help_text = _(
            "留空则使用环境变量 DIANPU_UNPAID_ORDER_TIMEOUT_HOURS：%(value)s"
        ) % {"value": settings.UNPAID_ORDER_TIMEOUT_HOURS}
        self.fields["unpaid_timeout_hours"].min_value = 1
        self.fields["unpaid_timeout_hours"].widget.attrs.update({"min": 1, "max": 720})
        self.fields["currency"].help_text = _("留空则为 %(value)s") % {"value": settings.SHOP_CURRENCY}
        self.fields["sender_address"].help_text = _("印在面单和发货单上")
        row = kwargs.get("instance")
        if row is not None and not self.is_bound:
            self.initial["shop_languages"] = list(row.languages or [])
            self.initial["shop_default_language"] = row.default_language
        self.gateways = payment_queries.list_gateway_settings()
        for g in self.gateways:
            code = g["code"]
            self.fields[f"pay_{code}_on"] = forms.BooleanField(label=_("启用"), required=False, initial=g["on"])
            self.fields[f"pay_{code}_percent"] = forms.DecimalField(
                label=_("手续费（%）"),
                required=False,
                min_value=0,
                max_value=FEE_MAX_PERCENT,
                decimal_places=2,
                initial=g["fee_percent"] or None,
            )
            self.fields[f"pay_{code}_fixed"] = forms.DecimalField(
                label=_("固定手续费（元）"),
                required=False,
                min_value=0,
                max_value=Decimal("1000"),
                decimal_places=2,
                initial=g["fee_fixed"] or None,
            )
            g["fields"] = [self[f"pay_{code}_on"], self[f"pay_{code}_percent"], self[f"pay_{code}_fixed"]]

    def clean(self):
        cleaned = super().clean()
        languages = cleaned.get("shop_languages") or []
        default = cleaned.get("shop_default_language") or ""
        if default and languages and default not in languages:
            self.add_error("shop_default_language", _("默认语言必须是店面提供的语言之一。"))
        return cleaned

    def payment_methods(self) -> dict:
        """The payment section as it is stored: {code: {"on", "fee_percent", "fee_fixed"}}."""
        out = {}
        for g in self.gateways:
            code = g["code"]
            percent = self.cleaned_data.get(f"pay_{code}_percent") or Decimal("0")
            fixed = self.cleaned_data.get(f"pay_{code}_fixed") or Decimal("0")
            out[code] = {
                "on": bool(self.cleaned_data.get(f"pay_{code}_on")),
                "fee_percent": str(percent.quantize(Decimal("0.01"))),
                "fee_fixed": str(fixed.quantize(Decimal("0.01"))),
            }
        return out

    def clean_unpaid_timeout_hours(self):
        value = self.cleaned_data.get("unpaid_timeout_hours")
        if value is not None and not 1 <= value <= 720:
            raise forms.ValidationError(_("请填写 1 到 720 之间的小时数。"))
        return value

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if upload is None:
            return None
        try:
            services.check_logo_size(upload.size)  # before reading it
            data = upload.read(services.MAX_LOGO_BYTES + 1)
            services.check_logo(data)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.detail) from exc
        return data


@staff_permission_required(roles.MANAGE_SHOP)
def shop_settings(request):
    row = queries.get_shop_settings()
    form = ShopSettingsForm(request.POST or None, request.FILES or None, instance=row)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in services.FIELDS}
        data.update(
            payment_methods=form.payment_methods(),
            languages=list(form.cleaned_data["shop_languages"]),
            default_language=form.cleaned_data["shop_default_language"] or "",
        )
        services.save_shop_settings(
            actor=request.user,
            data=data,
            logo=form.cleaned_data.get("logo_upload"),
            remove_logo=form.cleaned_data.get("remove_logo"),
            ip_address=client_ip(request),
        )
        messages.success(request, _("店铺设置已保存。"))
        return redirect("console:shop:settings")
    return _page(request, form, row, ShippingMethodForm(), status=422 if request.method == "POST" else 200)


def _page(request, form, row, method_form, status=200):
    return render(
        request,
        "shop/console/settings.html",
        {
            "form": form,
            "row": row,
            "profile": queries.get_shop_profile(),
            "method_form": method_form,
            "shipping_methods": fulfillment_queries.list_all_shipping_methods(),
        },
        status=status,
    )


class ShippingMethodForm(forms.Form):
    prefix = "method"  # its fields' ids must not clash with the settings form's (id_name)
    code = forms.SlugField(label=gettext_lazy("编码"), max_length=30)
    name = forms.CharField(label=gettext_lazy("名称"), max_length=60)
    name_en = forms.CharField(label=gettext_lazy("英文名称"), max_length=60, required=False)
    fee = forms.DecimalField(label=gettext_lazy("运费"), min_value=0, max_digits=10, decimal_places=2)
    free_over = forms.DecimalField(
        label=gettext_lazy("满额包邮"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    delivery_days_min = forms.IntegerField(label=gettext_lazy("最快天数"), min_value=0, max_value=60, initial=2)
    delivery_days_max = forms.IntegerField(label=gettext_lazy("最慢天数"), min_value=0, max_value=60, initial=5)


@require_POST
@staff_permission_required(roles.MANAGE_SHOP)
def shipping_method_add(request):
    form = ShippingMethodForm(request.POST)
    if form.is_valid():
        try:
            fulfillment_services.create_shipping_method(
                actor=request.user, ip_address=client_ip(request), **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
        else:
            messages.success(request, _("配送方式已添加。"))
            return redirect("console:shop:settings")
    row = queries.get_shop_settings()
    return _page(request, ShopSettingsForm(instance=row), row, form, status=422)


@require_POST
@staff_permission_required(roles.MANAGE_SHOP)
def shipping_method_active(request, code):
    active = request.POST.get("active") == "1"
    try:
        fulfillment_services.update_shipping_method(
            actor=request.user, code=code, changes={"is_active": active}, ip_address=client_ip(request)
        )
    except NotFoundError as exc:
        raise Http404(str(exc.detail)) from exc
    messages.success(request, _("配送方式已重新启用。") if active else _("配送方式已停用。"))
    return redirect("console:shop:settings")
