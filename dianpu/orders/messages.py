from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "order_not_found": _("找不到该订单。"),
    "unknown_action": _("未知的订单操作：%(action)s。"),
    "transition_not_allowed": _("订单当前状态为「%(status)s」，不能执行「%(action)s」。"),
    "ship_unpaid": _("订单尚未付款，只有货到付款的订单可以先发货。"),
    "carrier_required": _("发货需要选择承运商。"),
    "tracking_number_required": _("发货需要填写运单号。"),
    "cod_paid_on_delivery": _("货到付款订单在签收时自动记为已付款。"),
    "order_changed": _("订单状态已被他人更改，请刷新后重试。"),
    "permission_denied": _("您的角色无权执行此操作。"),
    "order_on_hold": _("订单正在审核中（已挂起），请先处理挂起原因并放行。"),
    "order_not_on_hold": _("订单未被挂起。"),
    "review_threshold_negative": _("阈值不能为负数。"),
    "blacklist_kind_unknown": _("未知的黑名单类型。"),
    "blacklist_value_empty": _("请填写要加入黑名单的内容。"),
    "blacklist_duplicate": _("该内容已在黑名单中。"),
    "blacklist_not_found": _("找不到该黑名单条目。"),
    "batch_refused": _("发货清单有 %(count)s 处错误，没有任何订单发货。请修改后重新提交。"),
    "batch_shipped": _("已发货"),
    "batch_columns_missing": _("每行需要：订单号, 承运商, 运单号[, 运费成本]。"),
    "batch_cost_invalid": _("运费成本不是有效的金额。"),
    "batch_order_unknown": _("找不到该订单。"),
    "batch_order_repeated": _("同一订单在清单中出现了多次。"),
    "batch_tracking_repeated": _("同一运单号在清单中出现了多次。"),
    "batch_carrier_unknown": _("未知的承运商。"),
    "batch_tracking_invalid": _("运单号格式不符合 %(carrier)s 的规则（例如 %(example)s）。"),
    "batch_empty": _("发货清单是空的。"),
    "merge_needs_two": _("合并至少需要两个订单。"),
    "merge_not_allowed": _(
        "只能合并同一顾客、同一收货地址、同一配送与支付方式、尚未付款或已付款未审核的订单（%(number)s 不符合）。"
    ),
    "split_nothing": _("请选择要拆出的商品和数量：至少一件，且不能拆出全部商品（剩余金额须不低于优惠）。"),
    "split_not_allowed": _("只有尚未付款或已付款未审核的订单可以拆分。"),
    "merge_paid_and_unpaid": _("已付款和未付款的订单不能合并在一起（%(number)s）。"),
}

# Why an order is held (审单): rule code -> label shown with the rule's detail.
HOLD_REASON_LABELS = {
    "high_value": _("高额订单"),
    "many_orders_same_address": _("同一地址当日下单过多"),
    "many_orders_same_phone": _("同一电话当日下单过多"),
    "many_orders_same_ip": _("同一 IP 当日下单过多"),
    "billing_far_from_shipping": _("账单地址与收货地址省份不一致"),
    "blacklisted_email": _("邮箱在黑名单中"),
    "blacklisted_phone": _("电话在黑名单中"),
    "blacklisted_address": _("收货地址在黑名单中"),
    "payment_mismatch": _("付款金额不符"),
}

ACTION_LABELS = {
    "mark_paid": _("确认收款"),
    "review": _("审单通过"),
    "start_picking": _("开始拣货"),
    "ship": _("发货"),
    "mark_delivered": _("确认签收"),
    "complete": _("完成订单"),
    "cancel": _("取消订单"),
    "place": _("下单"),
    "hold": _("挂起审核"),
    "merge": _("合并订单"),
    "split": _("拆分订单"),
    "release": _("审核放行"),
}
