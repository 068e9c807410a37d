"""marketing error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "campaign_not_found": _("营销活动不存在。"),
    "template_unknown": _("未知的活动模板。"),
    "invalid": _("提交的信息有误，请检查标出的字段。"),
    "import_refused": _("文件中有错误，未导入任何数据。"),
    "cart_reminder_subject": _("%(shop)s：您的购物车还在等您"),
}

FIELD_ERRORS = {
    "required": _("此项必填。"),
    "too_long": _("内容过长。"),
    "ends_before_start": _("结束时间必须晚于开始时间。"),
    "negative": _("不能为负数。"),
    "unknown_products": _("找不到这些商品：%(items)s"),
    "product_unknown": _("找不到该商品。"),
    "link_invalid": _("链接须以 / 或 https:// 开头。"),
    "code_invalid": _("推广码只能包含字母、数字、- 和 _，最长 40 个字符。"),
    "code_taken": _("推广码已存在。"),
    "rate_invalid": _("佣金比例须在 0 到 1 之间，例如 0.1 表示 10%。"),
    "coupon_unknown": _("优惠券不存在。"),
    "audience_unknown": _("未知的收件人范围。"),
    "delay_invalid": _("延迟须为 10 分钟到 7 天之间的整数分钟。"),
    "url_invalid": _("请输入以 http:// 或 https:// 开头的完整网址。"),
    "utm_value_invalid": _("只能包含字母、数字、中文、-、_ 和 .，最长 100 个字符。"),
}

IMPORT_ERRORS = {
    "empty": _("文件是空的。"),
    "missing_columns": _("缺少列：%(columns)s（需要 date, channel, spend）"),
    "date_invalid": _("日期无效，请用 2026-11-11 的格式"),
    "channel_invalid": _("渠道不能为空"),
    "spend_invalid": _("花费须为不小于 0 的金额"),
    "count_invalid": _("点击和展示须为整数"),
    "row_repeated": _("与前面的行重复（同一日期、渠道和活动）"),
    "file_unreadable": _("无法读取该文件，请上传 CSV 或 XLSX。"),
    "file_too_large": _("文件不能超过 5 MB。"),
}
