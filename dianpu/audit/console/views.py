"""The audit log page (audit.view_auditentry)."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.audit.queries import list_entries
from dianpu.core.exports import Column, Table, export_response, local_time, wants_export

PAGE_SIZE = 50

# Kinds of change a reader filters by (action prefixes), and the words for known actions.
PREFIXES = (
    ("price.", _("价格")),
    ("stock.", _("库存")),
    ("order.", _("订单状态")),
    ("product.", _("商品")),
    ("permissions.", _("权限与令牌")),
    ("security.", _("安全")),
    ("shop.", _("店铺设置")),
)
ACTION_LABELS = {
    "price.changed": _("改价"),
    "product.created": _("新建商品"),
    "product.changed": _("修改商品"),
    "product.deleted": _("删除商品"),
    "product.image_added": _("上传图片"),
    "stock.adjusted": _("调整库存"),
    "order.transitioned": _("订单状态变更"),
    "permissions.staff_created": _("新建员工账号"),
    "permissions.roles_changed": _("修改角色"),
    "permissions.token_created": _("创建 API 令牌"),
    "permissions.token_revoked": _("吊销 API 令牌"),
    "security.sign_in_throttled": _("登录失败过多，暂停登录"),
    "security.order_lookup_throttled": _("订单查询失败过多，暂停查询"),
    # Staff security (dianpu/accounts/signin.py, password_reset.py, services.py)
    "security.sign_in": _("登录后台"),
    "security.sign_in_failed": _("登录失败"),
    "security.two_factor_enabled": _("启用两步验证"),
    "security.two_factor_disabled": _("停用两步验证"),
    "security.two_factor_failed": _("两步验证码错误"),
    "security.two_factor_throttled": _("验证码错误过多，暂停验证"),
    "security.recovery_code_used": _("使用恢复码"),
    "security.token_used": _("使用 API 令牌"),
    "security.sessions_ended": _("结束登录会话"),
    "security.policy_changed": _("修改安全规则"),
    "security.password_reset_requested": _("申请重置密码"),
    "security.password_reset": _("重置密码"),
    "security.password_reset_throttled": _("重置密码申请过多，暂停发送"),
    "permissions.password_changed": _("修改密码"),
    "shop.settings_changed": _("店铺设置"),
}


class AuditFilterForm(forms.Form):
    action = forms.CharField(
        label=_("动作"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如 price. 或 order.transitioned"), "list": "audit-prefixes"}),
    )
    actor = forms.CharField(
        label=_("操作人"), required=False, widget=forms.TextInput(attrs={"placeholder": _("用户名")})
    )
    object_type = forms.CharField(required=False, widget=forms.HiddenInput)
    object_id = forms.CharField(required=False, widget=forms.HiddenInput)


@staff_permission_required(roles.VIEW_AUDIT)
def entry_list(request):
    filters = AuditFilterForm(request.GET or None)
    c = filters.cleaned_data if filters.is_valid() else {}
    entries = list_entries(
        action_prefix=(c.get("action") or "").strip(),
        actor=(c.get("actor") or "").strip(),
        object_type=c.get("object_type") or "",
        object_id=c.get("object_id") or "",
    )
    if wants_export(request):
        return export_response(
            request,
            Table(
                "audit_log",
                _("审计日志"),
                [
                    Column("created_at", _("时间")),
                    Column("actor", _("操作人")),
                    Column("action", _("动作")),
                    Column("label", _("说明")),
                    Column("object", _("对象")),
                    Column("changes", _("变更（原值 → 新值）")),
                    Column("reason", _("原因")),
                    Column("ip_address", "IP"),
                ],
                (
                    {
                        "created_at": local_time(e.created_at),
                        "actor": e.actor_label,
                        "action": e.action,
                        "label": str(ACTION_LABELS.get(e.action, "")),
                        "object": f"{e.object_repr} {e.object_type}#{e.object_id}",
                        "changes": "; ".join(f"{k}: {v}" for k, v in (e.changes or {}).items()),
                        "reason": e.reason,
                        "ip_address": e.ip_address or "",
                    }
                    for e in entries.iterator(chunk_size=2000)
                ),
            ),
        )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": e,
            "label": ACTION_LABELS.get(e.action, ""),
            "changes": [
                {
                    "field": k,
                    "old": v[0] if isinstance(v, list) and v else "",
                    "new": v[1] if isinstance(v, list) and len(v) > 1 else v,
                }
                for k, v in (e.changes or {}).items()
            ],
        }
        for e in page.object_list
    ]
    return render(
        request,
        "audit/console/entry_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "rows": rows,
            "prefixes": PREFIXES,
            "current_action": c.get("action") or "",
        },
    )
