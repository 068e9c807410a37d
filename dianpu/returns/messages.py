from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "return_not_found": _("找不到该售后单。"),
    "order_lookup_failed": _("找不到该订单：请核对订单号和下单邮箱。"),
    "too_many_requests": _("尝试次数过多，请 15 分钟后再试。"),
    "return_kind_unknown": _("未知的售后类型。"),
    "return_reason_unknown": _("请选择售后原因。"),
    "return_order_cancelled": _("订单已取消，不能申请售后。"),
    "return_order_not_paid": _("订单尚未付款，不能申请售后。"),
    "return_not_delivered": _("订单签收后才能申请退货或换货；未发货的订单可申请仅退款。"),
    "return_window_closed": _("已超过签收后 %(days)s 天的售后期限。"),
    "return_lines_required": _("请至少选择一件要售后的商品。"),
    "return_line_unknown": _("所选商品不属于该订单。"),
    "return_quantity_too_large": _("售后数量超过可申请的数量。"),
    "return_action_unknown": _("未知的售后操作：%(action)s。"),
    "return_transition_not_allowed": _("售后单当前状态为「%(status)s」，不能执行「%(action)s」。"),
    "refund_only_keeps_goods": _("仅退款的售后单不需要退回商品。"),
    "exchange_not_refunded": _("换货单不退款；如需退款请改为退货退款。"),
    "return_not_received": _("退货商品验收后才能退款。"),
    "return_changed": _("售后单已被他人处理，请刷新后重试。"),
    "inspection_incomplete": _("每件退回的商品都要入库或报损：%(sku)s 应为 %(quantity)s 件。"),
    "reject_reason_required": _("拒绝售后需要填写原因。"),
    "return_refund_amount_too_large": _("退款金额不能超过该售后单可退的 ¥%(amount)s。"),
}

ACTION_LABELS = {
    "request": _("提交申请"),
    "approve": _("同意"),
    "reject": _("拒绝"),
    "ship_back": _("登记退回运单"),
    "receive": _("收货验货"),
    "refund": _("退款"),
    "close": _("关闭"),
    "cancel": _("撤销"),
}
