from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from dianpu.core import clock

from ..shopdays import local_day

DEFAULT_DAYS = 7
MAX_DAYS = 3660


def today():
    return local_day(clock.now())


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        date_to = data.get("date_to") or today()
        date_from = data.get("date_from") or date_to - timedelta(days=DEFAULT_DAYS - 1)
        if date_from > date_to or (date_to - date_from).days >= MAX_DAYS:
            raise forms.ValidationError(_("日期范围无效：开始日期不能晚于结束日期，且不超过 10 年。"))
        data["date_from"], data["date_to"] = date_from, date_to
        return data

    def period(self):
        """(date_from, date_to): the valid period, or the default one."""
        if self.is_valid():
            return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        end = today()
        return end - timedelta(days=DEFAULT_DAYS - 1), end


QUICK_RANGES = {"yesterday": 1, "7d": 7, "30d": 30}


class DayForm(forms.Form):
    """The bestseller table's day (default: yesterday, the last whole day of the shop) or a quick
    range ending yesterday (?range=yesterday|7d|30d)."""

    date = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    range = forms.ChoiceField(required=False, choices=[(k, k) for k in QUICK_RANGES])
    flagged = forms.BooleanField(label=_("只看预警商品"), required=False)

    def period(self):
        """(date_from, date_to) of the table."""
        data = self.cleaned_data if self.is_valid() else {}
        yesterday = today() - timedelta(days=1)
        if data.get("range"):
            return yesterday - timedelta(days=QUICK_RANGES[data["range"]] - 1), yesterday
        day = data.get("date") or yesterday
        return day, day

    def day(self):
        return self.period()[1]
