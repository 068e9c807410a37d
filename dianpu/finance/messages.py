"""finance error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "entry_unbalanced": _("借贷不平衡：借方 %(debit)s，贷方 %(credit)s。"),
    "entry_empty": _("凭证没有金额。"),
    "entry_source_missing": _("凭证缺少来源。"),
    "account_unknown": _("未知科目：%(account)s"),
    "line_invalid": _("每行只能有借方或贷方中的一个正数金额（%(account)s）。"),
    "amount_not_fen": _("金额必须是整数分。"),
    "period_closed": _("%(month)s 已结账，不能再记入该期间。"),
    "period_invalid": _("期间格式应为 YYYY-MM。"),
    "period_in_future": _("不能对尚未开始的月份结账。"),
    "date_invalid": _("日期格式应为 YYYY-MM-DD。"),
    "date_range_invalid": _("开始日期不能晚于结束日期。"),
    "date_range_too_long": _("查询区间最长 %(days)s 天。"),
    "amount_invalid": _("金额须为大于 0、最多两位小数的数字。"),
    "category_invalid": _("费用类别须为：%(choices)s"),
    "note_too_long": _("备注最长 300 字。"),
    "entry_not_found": _("凭证不存在。"),
    "entry_already_reversed": _("该凭证已冲销。"),
    "entry_is_reversal": _("冲销凭证不能再冲销。"),
    "settlement_format_unknown": _("无法识别对账单格式：请上传 Stripe 余额报表（CSV）或支付宝账务明细（CSV）。"),
    "settlement_currency": _("对账单币种为 %(currency)s，店铺币种为 %(expected)s，不能对账。"),
    "settlement_unreadable": _("对账单第 %(line)s 行无法读取：%(reason)s"),
    "settlement_empty": _("对账单中没有交易记录。"),
    "settlement_not_found": _("对账单不存在。"),
    "dimension_invalid": _("维度须为 product、category、channel 或 campaign。"),
    "grain_invalid": _("粒度须为 day、month、quarter 或 year。"),
}
