from django.utils.translation import gettext_lazy as _

FIELD_ERRORS = {
    "required": _("此项必填。"),
    "email_invalid": _("请输入有效的邮箱地址。"),
    "lines_required": _("购物车是空的。"),
    "too_many_lines": _("一次最多购买 100 种商品。"),
    "sku_repeated": _("同一 SKU 重复出现。"),
    "quantity_invalid": _("数量必须是 1 到 999 之间的整数。"),
    "too_long": _("内容过长。"),
    "markup_not_allowed": _("不能包含 < 或 > 等标记字符。"),
    "phone_invalid": _("请输入有效的电话号码。"),
    "phone_mobile_digits": _("中国大陆手机号为 11 位数字，请核对。"),
    "country_invalid": _("国家/地区请使用两位字母代码，例如 CN。"),
    "unknown_sku": _("该商品不存在或已下架。"),
    "shipping_method_unknown": _("未知或已停用的配送方式。"),
    "region_not_served": _("该配送方式不送达此地区，请选择其他配送方式。"),
    "too_heavy": _("包裹超过该配送方式的重量上限，请选择其他配送方式。"),
    "payment_method_unknown": _("未知或已停用的支付方式。"),
    "payment_method_off": _("店铺已关闭这种支付方式，请选择其他支付方式。"),
}
INVALID = _("提交的信息有误，请检查标出的字段。")
PAYMENT_NOT_DUE = _("该订单当前无需在线付款。")
ORDER_NOT_FOUND = _("没有找到与该订单号和邮箱相符的订单，请核对后重试。")
TOO_MANY_ATTEMPTS = _("查询次数过多，请稍后再试。")
