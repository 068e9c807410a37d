"""accounts error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "unauthorized": _("需要有效的 API 令牌（Authorization: Bearer …）。"),
    "token_expired": _("该 API 令牌已过期。"),
    "token_revoked": _("该 API 令牌已被撤销。"),
    "token_scope": _("该 API 令牌的权限范围不包含此操作（需要 %(scope)s）。"),
    "scope_invalid": _("无效的权限范围：%(scope)s（格式为 区域:read 或 区域:write）。"),
    "expiry_invalid": _("有效天数须为 1 到 3650 之间的整数。"),
    "token_not_found": _("API 令牌不存在。"),
}

MESSAGES.update(
    {
        "totp_wrong": _("验证码不正确或已使用过，请输入验证器应用中最新的 6 位数字。"),
        "two_factor_throttled": _("验证码错误次数过多，请 15 分钟后再试。"),
        "two_factor_on": _("两步验证已经启用。"),
        "two_factor_off": _("尚未启用两步验证。"),
        "sign_in_expired": _("登录步骤已超时，请重新输入用户名和密码。"),
        "session_not_found": _("该登录会话不存在。"),
    }
)
