from django import forms
from django.utils.translation import gettext_lazy as _

from dianpu.core.uploads import upload_field
from dianpu.fulfillment.models import ShippingMethod, ShippingRate
from dianpu.fulfillment.services import UPLOAD_LIMITS


class ShippingMethodForm(forms.ModelForm):
    class Meta:
        model = ShippingMethod
        fields = [
            "name",
            "name_en",
            "fee",
            "free_over",
            "delivery_days_min",
            "delivery_days_max",
            "max_weight_grams",
            "is_active",
        ]


class ShippingRateForm(forms.ModelForm):
    class Meta:
        model = ShippingRate
        fields = ["province", "first_weight_grams", "first_fee", "step_grams", "step_fee"]
        help_texts = {"province": _("留空为默认（其他所有省份）")}

    def validate_unique(self):  # a row for the same province is replaced, not refused
        pass


class BatchShipForm(forms.Form):
    lines = forms.CharField(
        label=_("发货清单"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "DP2611230000001,sf,SF1234567890123"}),
    )
    file = upload_field(UPLOAD_LIMITS, label=_("或上传 CSV 文件"), required=False)


class TrackingUploadForm(forms.Form):
    file = upload_field(UPLOAD_LIMITS, label=_("物流轨迹 CSV 文件"))


class ReportPeriodForm(forms.Form):
    shipped_from = forms.DateField(
        label=_("发货日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    shipped_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
