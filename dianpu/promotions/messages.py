"""promotions error codes and explanation texts -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "coupon_unknown": _("优惠券 %(code)s 不存在。"),
    "coupon_expired": _("优惠券 %(code)s 已过期。"),
    "coupon_not_started": _("优惠券 %(code)s 尚未到使用时间。"),
    "coupon_used_up": _("优惠券 %(code)s 已被用完。"),
    "coupon_min_spend": _("优惠券 %(code)s 需满 ¥%(min_spend)s 才能使用。"),
    "coupon_out_of_scope": _("购物车中没有优惠券 %(code)s 适用的商品。"),
    "coupon_not_eligible": _("优惠券 %(code)s 仅限特定会员使用。"),
    "coupon_not_combinable": _("优惠券 %(code)s 不能与其他优惠券同时使用。"),
    "coupon_inactive": _("优惠券 %(code)s 已停用。"),
    "too_many_coupons": _("一次最多使用 5 张优惠券。"),
    "flash_sold_out": _("秒杀商品已抢完，请刷新后重试。"),
    "promotion_not_found": _("促销不存在。"),
    "coupon_not_found": _("优惠券不存在。"),
    "exclusive_overlap": _("与同时段的独享促销「%(other)s」适用范围重叠。"),
    "coupon_code_taken": _("券码 %(code)s 已存在。"),
    "invalid": _("提交的信息有误，请检查标出的字段。"),
}

FIELD_ERRORS = {
    "required": _("此项必填。"),
    "too_long": _("内容过长。"),
    "kind_unknown": _("未知的类型。"),
    "ends_before_start": _("结束时间必须晚于开始时间。"),
    "priority_invalid": _("优先级必须是 -1000 到 1000 之间的整数。"),
    "scope_invalid": _("适用范围应为全部商品，或至少一个 SKU / 类目。"),
    "not_a_number": _("请输入数字。"),
    "negative": _("不能为负数。"),
    "must_be_positive": _("必须大于 0。"),
    "whole_number": _("必须是整数。"),
    "too_large": _("数值过大。"),
    "too_precise": _("金额最多两位小数。"),
    "bundle_needs_two_skus": _("搭配购至少需要两个不同的 SKU。"),
    "tiers_invalid": _("请填写 1 到 10 个档位（门槛和优惠）。"),
    "tiers_repeated": _("档位门槛不能重复。"),
    "saving_above_threshold": _("减免金额不能超过门槛金额。"),
    "condition_unknown": _("未知的条件。"),
    "code_invalid": _("券码只能包含字母、数字、- 和 _，最长 40 个字符。"),
    "quantity_invalid": _("数量必须是 1 到 10000 之间的整数。"),
    "prefix_invalid": _("前缀只能包含字母和数字，最长 12 个字符。"),
    "below_used": _("不能少于已使用的次数。"),
}

# What the cart and the order show for each adjustment (explanation code -> text).
EXPLANATIONS = {
    "percent_off": _("限时折扣"),
    "amount_off": _("限时直降"),
    "spend_x_save_y": _("满减"),
    "spend_x_percent_off": _("满折"),
    "buy_x_get_y": _("买N送M"),
    "bundle": _("搭配购"),
    "free_shipping": _("包邮"),
    "member_price": _("会员价"),
    "flash_sale": _("秒杀"),
    "coupon_amount": _("优惠券"),
    "coupon_percent": _("折扣券"),
    "coupon_shipping": _("运费券"),
}

HINTS = {
    "amount": _("再买 ¥%(needed)s 可减 ¥%(reward)s（%(label)s）"),
    "percent": _("再买 ¥%(needed)s 可享 %(reward)s%% 折扣（%(label)s）"),
    "shipping": _("再买 ¥%(needed)s 即可包邮（%(label)s）"),
}
