from django.shortcuts import render
from django.utils.translation import gettext as _


def csrf_failure(request, reason=""):
    """A tampered or missing CSRF token: say so in the user's language, change nothing."""
    return render(
        request,
        "core/csrf_failure.html",
        {
            "title": _("请求已过期或无效"),
            "detail": _("表单的安全令牌无效或已过期。请返回上一页，刷新后重试。您的数据没有被更改。"),
        },
        status=403,
    )
