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
    "release": _("审核放行"),
}
