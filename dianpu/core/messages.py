"""Messages every edge uses: generic input errors and the API's error envelope."""

from django.utils.translation import gettext_lazy as _

REQUIRED = _("此项必填。")
TOO_LONG = _("内容过长。")
OUT_OF_RANGE = _("数值超出允许范围。")
NOT_A_NUMBER = _("请输入有效的数字。")
BAD_FORMAT = _("格式不正确。")
INVALID_INPUT = _("提交的信息有误，请检查标出的字段。")
TOKEN_REQUIRED = _("需要有效的 API 令牌（Authorization: Bearer …）。")
NOT_FOUND = _("找不到该资源。")
BAD_JSON = _("请求内容不是有效的 JSON。")
