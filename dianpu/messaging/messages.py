from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "template_kind_unknown": _("未知的通知类型或语言。"),
    "template_invalid": _("模板有语法错误：%(error)s"),
    "template_subject_required": _("主题和正文都不能为空。"),
    "template_tag_refused": _("通知模板须自成一体，不能使用 include、extends、load 或 debug 标签（发现：%(tag)s）。"),
}
