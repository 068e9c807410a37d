from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "order_not_paid": _("订单尚未收款，没有可退的金额。"),
    "refund_amount_invalid": _("退款金额必须大于 0，且最多两位小数。"),
    "refund_shipping_invalid": _("其中运费不能为负数，也不能超过退款金额。"),
    "payment_refund_in_progress": _("该订单有退款正在处理中，请等退款完成后再合并。"),
    "payment_split_impossible": _("无法拆分收款：没有一笔收款的未退部分足以覆盖拆出的金额。"),
    "refund_exceeds_paid": _(
        "退款金额 ¥%(amount)s 超过可退金额 ¥%(refundable)s（已付 ¥%(paid)s，已退 ¥%(refunded)s）。"
    ),
    "refund_gateway_refused": _("支付渠道拒绝了这笔退款，未退出任何款项：%(reason)s"),
    "payment_gateway_unavailable": _("暂时无法连接支付渠道，订单已保留，请稍后点击“重新支付”。"),
    "payment_method_unavailable": _("该订单的支付方式已停用，请联系客服。"),
    "payment_already_made": _("该订单已经付款，无需再次支付。"),
    "signature_missing": _("缺少 Webhook 签名，或本店未配置 Webhook 密钥。"),
    "signature_malformed": _("Webhook 签名格式不正确。"),
    "signature_mismatch": _("Webhook 签名无效。"),
    "signature_stale": _("Webhook 签名已过期（时间戳超出 300 秒）。"),
    "webhook_malformed": _("无法解析通知内容。"),
    "wechat_oauth_failed": _("暂时无法从微信获取您的身份，订单已保留，请稍后点击“重新支付”。"),
}
