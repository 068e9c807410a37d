"""Platform order import and tracking export: thin edges over channels.services."""

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.channels import services
from dianpu.channels.connectors.generic import FIELDS
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip
from dianpu.core.uploads import read_upload, upload_field
from dianpu.fulfillment.queries import list_shipping_methods


class ImportForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("文件格式"),
        choices=[
            ("shopify", gettext_lazy("Shopify 订单导出 CSV")),
            ("generic", gettext_lazy("通用 CSV / XLSX（按列映射）")),
        ],
    )
    channel_code = forms.SlugField(
        label=gettext_lazy("渠道编码（通用格式）"),
        max_length=20,
        required=False,
        help_text=gettext_lazy("例如 taobao、jd、pdd；用于标记订单来源和去重"),
    )
    shipping_method = forms.ChoiceField(label=gettext_lazy("配送方式"))
    mapping = forms.CharField(
        label=gettext_lazy("列映射（通用格式，JSON）"),
        required=False,
        help_text=gettext_lazy("留空则使用该渠道上次成功导入时的映射"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": '{"order_number": "订单编号", "sku": "商家编码", ...}'}),
    )
    file = upload_field(services.UPLOAD_LIMITS, label=gettext_lazy("文件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipping_method"].choices = [(m.code, m.display_name) for m in list_shipping_methods()]

    def clean_mapping(self):
        raw = self.cleaned_data.get("mapping") or ""
        if not raw.strip():
            return {}
        try:
            value = json.loads(raw)
            if not isinstance(value, dict):
                raise ValueError
        except ValueError:
            raise forms.ValidationError(_("列映射必须是 JSON 对象。")) from None
        return {str(k): str(v) for k, v in value.items()}


@staff_permission_required(roles.VIEW_ORDERS, roles.IMPORT_CHANNEL_ORDERS)
def import_orders(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result, problems, status = None, [], 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_channel_orders(
                channel=form.cleaned_data["channel"],
                content=read_upload(upload, services.UPLOAD_LIMITS),
                filename=upload.name,
                actor=request.user,
                shipping_method=form.cleaned_data["shipping_method"],
                mapping=form.cleaned_data["mapping"],
                channel_code=form.cleaned_data["channel_code"],
                ip_address=client_ip(request),
            )
        except services.ImportRefused as exc:
            problems, status = exc.lines, 422
            messages.error(request, str(exc.detail))
        except DomainError as exc:
            status = exc.status
            messages.error(request, str(exc.detail))
        else:
            messages.success(
                request,
                _("已导入 %(created)s 个新订单，跳过 %(skipped)s 个已导入的订单。")
                % {"created": len(result.created), "skipped": len(result.skipped)},
            )
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "channels/console/import.html",
        {"form": form, "result": result, "problems": problems, "fields": FIELDS},
        status=status,
    )


@staff_permission_required(roles.VIEW_ORDERS, roles.IMPORT_CHANNEL_ORDERS)
def export_tracking(request):
    channel = (request.GET.get("channel") or "shopify").strip().lower()[:20]
    response = HttpResponse(services.export_tracking_csv(channel=channel), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{channel}-tracking.csv"'
    return response
