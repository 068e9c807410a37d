"""Service desk error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "conversation_not_found": _("会话不存在。"),
    "conversation_token_invalid": _("会话令牌缺失或无效。"),
    "conversation_closed": _("该会话已关闭，请开始新的咨询。"),
    "message_required": _("请填写消息内容。"),
    "message_too_long": _("消息过长（最多 %(limit)s 字）。"),
    "name_or_email_required": _("请填写姓名和有效的邮箱。"),
    "too_many_messages": _("消息发送过于频繁，请稍后再试。"),
    "status_not_allowed": _("会话不能从「%(current)s」改为「%(wanted)s」。"),
    "status_unknown": _("未知的会话状态。"),
    "priority_unknown": _("未知的优先级。"),
    "assignee_not_agent": _("只能分配给有客服权限的员工。"),
    "no_agent_on_duty": _("当前没有值班的客服。"),
    "attachment_not_image": _("只能上传 JPEG、PNG、GIF 或 WebP 图片。"),
    "attachment_too_large": _("图片过大（最大 %(limit)s MB）。"),
    "canned_reply_not_found": _("话术不存在。"),
    "canned_reply_invalid": _("请填写话术标题和中文内容。"),
    "canned_reply_unknown_variable": _("话术中有未知变量：%(names)s"),
    "complaint_cause_unknown": _("未知的投诉原因。"),
    "product_not_found": _("商品不存在。"),
    "inbound_email_forbidden": _("邮件接收令牌缺失或无效。"),
    "inbound_email_invalid": _("无法识别的邮件：%(reason)s"),
    "log_not_yours": _("只能提交自己的客服日志。"),
    "log_already_submitted": _("这份客服日志已经提交。"),
    "log_not_submitted": _("这份客服日志尚未提交，或已审阅。"),
    "review_score_invalid": _("每一项评分须为 1 到 5 的整数。"),
    "review_not_found": _("质检记录不存在。"),
    "log_not_found": _("客服日志不存在。"),
}
