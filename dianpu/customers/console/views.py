"""Console: customers (list and search, the 360° page with points, notes, merge, export and
erase) and segments. Each action checks the same permission the API does."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dianpu.accounts.decorators import forbidden, staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip

from .. import queries, services


@staff_permission_required(roles.VIEW_CUSTOMERS)
def customer_list(request):
    q = request.GET.get("q", "")[:100]
    tier, segment = request.GET.get("tier", "")[:30], request.GET.get("segment", "")[:40]
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows, count = queries.list_customers(search=q, tier=tier, segment=segment, page=page, page_size=50)
    may_see = request.user.has_perm(roles.VIEW_CONTACT)
    for c in rows:
        c.shown_phone = queries.shown_phone(c.phone, may_see)
    page_obj = Paginator(range(count), 50).get_page(page)
    return render(request, "customers/console/customer_list.html", {
        "rows": rows, "count": count, "q": q, "tier": tier, "segment": segment, "page_obj": page_obj,
        "tiers": queries.list_tiers(), "segments": queries.list_segment_figures()})


@staff_permission_required(roles.VIEW_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def customer_detail(request, pk):
    customer = queries.get_customer(pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        needed = {"points": roles.ADJUST_POINTS, "notes": roles.MANAGE_MARKETING, "merge": roles.MANAGE_PRIVACY,
                  "erase": roles.MANAGE_PRIVACY}.get(action)
        if needed is None:
            return redirect("console:customers:customer-detail", pk=pk)
        if not request.user.has_perm(needed):
            return forbidden(request, needed)
        try:
            if action == "points":
                services.adjust_points(customer=customer, delta=int(request.POST.get("delta") or 0),
                                       reason=request.POST.get("reason", ""), actor=request.user,
                                       ip_address=client_ip(request))
                messages.success(request, _("积分已调整。"))
            elif action == "notes":
                services.update_notes(customer=customer, tags=request.POST.get("tags", "").replace("，", ",").split(","),
                                      note=request.POST.get("note", ""), actor=request.user)
                messages.success(request, _("已保存。"))
            elif action == "merge":
                other = queries.get_customer(int(request.POST.get("other") or 0))
                services.merge_customers(keep=customer, other=other, actor=request.user,
                                         ip_address=client_ip(request))
                messages.success(request, _("已合并。"))
            else:
                services.erase_customer(customer=customer, actor=request.user, ip_address=client_ip(request))
                messages.success(request, _("该客户的个人信息已删除。"))
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "detail", "")) or _("提交的信息有误，请检查标出的字段。"))
        return redirect("console:customers:customer-detail", pk=pk)
    return render(request, "customers/console/customer_detail.html", queries.get_customer_360(
        customer, may_see_contact=request.user.has_perm(roles.VIEW_CONTACT)) | {
        "may_adjust": request.user.has_perm(roles.ADJUST_POINTS),
        "may_edit": request.user.has_perm(roles.MANAGE_MARKETING),
        "may_privacy": request.user.has_perm(roles.MANAGE_PRIVACY)})


@staff_permission_required(roles.MANAGE_PRIVACY)
def customer_export(request, pk):
    customer = queries.get_customer(pk)
    data = services.record_privacy_request(customer=customer, kind="export", actor=request.user,
                                           ip_address=client_ip(request))
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    return response


@staff_permission_required(roles.VIEW_CUSTOMERS)
def segment_list(request):
    return render(request, "customers/console/segment_list.html", {"segments": queries.list_segment_figures()})
