"""Analytics error codes → text (zh-Hans source, English in the catalogue)."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "bad_period": _("日期范围无效：开始日期不能晚于结束日期，且不超过 10 年。"),
    "report_not_found": _("报表不存在。"),
    "bad_breakdown": _("不支持的分析维度，可选：%(choices)s。"),
}
