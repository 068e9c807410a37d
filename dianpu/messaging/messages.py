from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "template_kind_unknown": _("未知的通知类型或语言。"),
    "template_invalid": _("模板有语法错误：%(error)s"),
    "template_subject_required": _("主题和正文都不能为空。"),
}
