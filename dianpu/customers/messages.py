"""Customers' error codes -> text in zh-Hans (source) and en."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "email_taken": _("该邮箱已注册，请直接登录或找回密码。"),
    "email_invalid": _("请输入有效的邮箱地址。"),
    "phone_invalid": _("请输入有效的手机号码。"),
    "phone_taken": _("该手机号已被其他账户使用。"),
    "password_weak": _("密码太弱：%(reasons)s"),
    "name_too_long": _("姓名最多 100 个字。"),
    "sign_in_failed": _("邮箱或密码不正确。"),
    "link_invalid": _("链接无效或已过期，请重新申请。"),
    "points_insufficient": _("积分不足：您有 %(balance)s 积分，本次需要 %(points)s 积分。"),
    "points_need_sign_in": _("使用积分请先登录会员账户。"),
    "points_negative": _("调整后积分将小于 0（当前 %(balance)s 积分）。"),
    "points_invalid": _("积分必须是不小于 0 的整数。"),
    "points_exceed_goods": _("积分最多抵扣商品金额 ¥%(goods)s（%(max_points)s 积分）。"),
    "reason_required": _("请填写调整原因。"),
    "customer_not_found": _("找不到该客户。"),
    "customer_erased": _("该客户的个人信息已删除。"),
    "too_many_attempts": _("尝试次数过多，请 15 分钟后再试。"),
    "segment_code_invalid": _("分群代码只能用小写字母、数字、下划线，且不能与 RFM 分群重名。"),
    "rule_empty": _("请至少填写一个条件。"),
    "rule_unknown_key": _("未知的条件。"),
    "rule_not_a_list": _("请填写一个列表。"),
    "rule_not_a_number": _("请填写不小于 0 的数字。"),
    "rule_consent": _("只能是 email 或 sms。"),
    "required": _("此项必填。"),
    "outreach_channel": _("渠道只能是 email 或 sms。"),
    "outreach_segment_unknown": _("没有这个客户分群。"),
    "outreach_body_required": _("邮件需要主题和正文。"),
    "outreach_template_required": _("短信需要模板编号（在短信服务商处审核通过的模板）。"),
    "outreach_time_required": _("请填写发送时间。"),
    "survey_score_invalid": _("请选择一个评分。"),
    "survey_answered": _("您已经回答过这份问卷，谢谢！"),
    "merge_same": _("不能把客户与自己合并。"),
    "phone_not_mobile": _("请输入手机号码（不能用座机号码）。"),
    "code_purpose": _("验证码用途只能是 sign_up 或 sign_in。"),
    "code_too_many": _("验证码发送次数过多，请一小时后再试。"),
    "code_too_soon": _("验证码已发送，请 %(seconds)s 秒后再重新获取。"),
    "code_invalid": _("验证码不正确或已过期，请重新获取。"),
    "sms_failed": _("短信发送失败，请稍后再试。"),
    "offer_unavailable": _("该兑换项目已下架。"),
    "check_in_done": _("今天已经签到过了，明天再来吧。"),
    "offer_days": _("有效天数须在 1 到 365 之间。"),
}

# Why a password is refused (Django's password validators, by their error code).
PASSWORD_RULES = {
    "password_too_short": _("至少需要 8 个字符。"),
    "password_too_common": _("这个密码太常见。"),
    "password_entirely_numeric": _("不能全是数字。"),
    "password_too_similar": _("与个人信息太相似。"),
    "other": _("请换一个更难猜的密码。"),
}

# Holiday greetings (节日问候): subject and body per occasion, in the customer's language.
GREETINGS = {
    "spring_festival": (_("新春快乐！"), _("%(name)s，新春快乐！感谢您这一年的支持，祝您和家人马年大吉、万事如意。")),
    "mid_autumn": (_("中秋快乐"), _("%(name)s，中秋快乐！月圆人团圆，祝您和家人幸福安康。")),
    "618": (_("618 年中大促即将开始"), _("%(name)s，618 年中大促即将开始，会员专享价和积分抵扣都可以用上，别错过。")),
    "double_11": (_("双十一即将开始"), _("%(name)s，双十一即将开始！提前把心仪的商品加入购物车吧。")),
    "birthday": (_("生日快乐！"), _("%(name)s，生日快乐！愿您新的一岁一切顺利。")),
    "win_back": (_("好久不见，送您一张券"), _("%(name)s，好久不见！我们为您准备了一张专属优惠券，欢迎回来看看新品。")),
}
UNSUBSCRIBE_LINE = _("不想再收到此类邮件？退订：%(url)s")
