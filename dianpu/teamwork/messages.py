"""teamwork error codes -> text in the user's language."""

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "item_not_found": _("检查项不存在。"),
    "task_not_found": _("任务不存在。"),
    "doc_not_found": _("培训资料不存在。"),
    "title_required": _("请填写标题。"),
    "owner_invalid": _("负责人必须是在职员工。"),
    "not_yours": _("只能处理自己的检查项和任务。"),
    "task_closed": _("这个任务已经关闭。"),
    "role_invalid": _("未知的角色。"),
    "items_required": _("请至少填写一个检查项。"),
    "body_required": _("请填写内容。"),
    "template_not_found": _("检查模板不存在。"),
}
