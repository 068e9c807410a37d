"""The owner's shop settings page (店铺设置)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import ValidationFailed
from dianpu.core.http import client_ip
from dianpu.shop import queries, services
from dianpu.shop.models import ShopSettings


class ShopSettingsForm(forms.ModelForm):
    logo_upload = forms.FileField(label=gettext_lazy("上传新标志"), required=False,
                                  help_text=gettext_lazy("PNG、JPEG 或 WebP，不超过 512 KB"))
    remove_logo = forms.BooleanField(label=gettext_lazy("删除标志"), required=False)

    class Meta:
        model = ShopSettings
        fields = services.FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].help_text = _("留空则使用环境变量 DIANPU_SHOP_NAME：%(value)s") % {"value": settings.SHOP_NAME}
        self.fields["unpaid_timeout_hours"].help_text = _(
            "留空则使用环境变量 DIANPU_UNPAID_ORDER_TIMEOUT_HOURS：%(value)s") % {
            "value": settings.UNPAID_ORDER_TIMEOUT_HOURS}
        self.fields["unpaid_timeout_hours"].min_value = 1
        self.fields["unpaid_timeout_hours"].widget.attrs.update({"min": 1, "max": 720})
        self.fields["currency"].help_text = _("留空则为 %(value)s") % {"value": settings.SHOP_CURRENCY}
        self.fields["sender_address"].help_text = _("印在面单和发货单上")

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
        services.save_shop_settings(actor=request.user, data=data, logo=form.cleaned_data.get("logo_upload"),
                                    remove_logo=form.cleaned_data.get("remove_logo"), ip_address=client_ip(request))
        messages.success(request, _("店铺设置已保存。"))
        return redirect("console:shop:settings")
    return render(request, "shop/console/settings.html",
                  {"form": form, "row": row, "profile": queries.get_shop_profile()},
                  status=422 if request.method == "POST" else 200)
