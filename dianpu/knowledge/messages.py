"""knowledge error codes and the bot's replies -> text in the visitor's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "article_not_found": _("文章不存在。"),
    "title_required": _("请填写标题。"),
    "title_too_long": _("标题不能超过 200 个字。"),
    "body_too_long": _("正文过长（最多 50000 个字）。"),
    "slug_invalid": _("网址标识只能包含小写字母、数字和连字符。"),
    "slug_taken": _("这个网址标识已被其他文章使用。"),
    "choice_invalid": _("请选择有效的选项。"),
    "message_required": _("请输入您的问题。"),
    "too_many_messages": _("消息发送过于频繁，请稍后再试。"),
    "answer_not_found": _("回答不存在。"),
    "rating_invalid": _("评价只能是有帮助或没帮助。"),
}

BOT = {
    "greeting": _(
        "您好！我是智能客服。您可以问我配送、退换货、支付、尺码等问题；查询订单请告诉我订单号，以及下单时的邮箱或手机号。"
    ),
    "ask_order_number": _("请告诉我您的订单号（以 DP 开头），以及下单时填写的邮箱或手机号，我来帮您查询。"),
    "ask_proof": _("为保护您的隐私，请提供订单 %(number)s 下单时填写的邮箱或手机号。"),
    "order_not_matched": _("没有找到与这个订单号和邮箱或手机号相符的订单。请核对后再试，或者输入“人工”联系客服。"),
    "order_throttled": _("查询尝试次数过多，请稍后再试，或者输入“人工”联系客服。"),
    "order_status": _("订单 %(number)s 当前状态：%(status)s。"),
    "order_parcel": _("包裹 %(carrier)s %(tracking)s：%(parcel_status)s。"),
    "order_event": _("%(time)s %(location)s %(description)s"),
    "order_no_events": _("暂时还没有物流更新。"),
    "order_not_shipped": _("商品还未发货，发货后这里会显示物流信息。"),
    "article_answer": _("%(excerpt)s\n详见：《%(title)s》"),
    "handed_over": _("好的，已为您转接人工客服，客服会尽快回复您，请稍候。"),
    "handed_over_unsure": _("这个问题我还不能确定答案，已为您转接人工客服，请稍候。"),
}

# The help centre's page title and description (storefront/help_centre.py) and the console section.
HELP_TITLE = _("帮助中心")
HELP_DESCRIPTION = _("配送、退换货、支付、尺码和账户的常见问题。")
