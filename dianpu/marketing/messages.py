"""marketing error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "campaign_not_found": _("营销活动不存在。"),
    "template_unknown": _("未知的活动模板。"),
    "invalid": _("提交的信息有误，请检查标出的字段。"),
}

FIELD_ERRORS = {
    "required": _("此项必填。"),
    "too_long": _("内容过长。"),
    "ends_before_start": _("结束时间必须晚于开始时间。"),
    "negative": _("不能为负数。"),
    "unknown_products": _("找不到这些商品：%(items)s"),
    "product_unknown": _("找不到该商品。"),
    "link_invalid": _("链接须以 / 或 https:// 开头。"),
}
