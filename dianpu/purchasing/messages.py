from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "supplier_code_invalid": _("供应商编码只能包含字母、数字、连字符和下划线。"),
    "supplier_code_taken": _("供应商编码 %(code)s 已存在。"),
    "name_required": _("请填写名称。"),
    "email_invalid": _("邮箱地址格式不正确。"),
    "phone_invalid": _("请输入有效的电话号码。"),
    "phone_mobile_digits": _("中国大陆手机号为 11 位数字，请核对。"),
    "lead_time_invalid": _("交货周期必须是 0 到 365 之间的整数天数。"),
    "cost_invalid": _("采购价必须是不小于 0 的金额。"),
    "quantity_invalid": _("数量必须是正整数。"),
    "lines_required": _("采购单至少需要一行商品。"),
    "duplicate_sku": _("SKU %(sku)s 在采购单中出现了多次。"),
    "unknown_sku": _("未知的 SKU：%(sku)s"),
    "not_on_order": _("SKU %(sku)s 不在采购单 %(number)s 中。"),
    "over_receipt": _("%(sku)s 到货 %(quantity)s 件超过未到数量 %(outstanding)s 件；如确实多到，请勾选“允许超收”。"),
    "status_not_allowed": _("采购单 %(number)s 当前状态为“%(status)s”，不能执行此操作。"),
    "nothing_received": _("请至少填写一行到货数量。"),
    "no_supplier": _("SKU %(sku)s 没有供应商报价，无法生成采购单。"),
}
