"""Console: customers (list and search, the 360° page with points, notes, merge, export and
erase) and segments. Each action checks the same permission the API does."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dianpu.accounts.decorators import forbidden, staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip

from .. import queries, services


def _export_customers(request, *, q: str, tier: str, segment: str):
    """The customers matching the list's filters (a segment, typically) as CSV or XLSX, through the
    shared export helper (cells neutralised); contact masked unless the role may see it."""
    from dianpu.core.exports import Column, Table, export_response, local_time

    may_see = request.user.has_perm(roles.VIEW_CONTACT)
    rows = (
        {
            "id": c.pk,
            "name": c.name,
            "email": c.shown_email,
            "phone": queries.shown_phone(c.phone, may_see),
            "tier": c.tier,
            "points": c.points_balance,
            "orders": c.orders_count or 0,
            "spent": c.total_spent or 0,
            "last_order": local_time(c.last_order_at),
            "segments": ", ".join(c.segments or []),
            "tags": ", ".join(c.tags or []),
            "consent": " ".join(k for k, v in (("email", c.consent_email), ("sms", c.consent_sms)) if v),
        }
        for c in queries.customers_for_export(search=q, tier=tier, segment=segment)
    )
    return export_response(
        request,
        Table(
            f"customers-{segment or 'all'}",
            _("客户"),
            [
                Column("id", "ID", numeric=True),
                Column("name", _("姓名")),
                Column("email", _("邮箱")),
                Column("phone", _("电话")),
                Column("tier", _("会员等级")),
                Column("points", _("积分"), numeric=True),
                Column("orders", _("订单数"), numeric=True),
                Column("spent", _("累计消费"), numeric=True),
                Column("last_order", _("最近下单")),
                Column("segments", _("客户分群")),
                Column("tags", _("标签")),
                Column("consent", _("营销许可")),
            ],
            rows,
        ),
    )


@staff_permission_required(roles.VIEW_CUSTOMERS)
def customer_list(request):
    from dianpu.core.exports import wants_export

    q = request.GET.get("q", "")[:100]
    tier, segment = request.GET.get("tier", "")[:30], request.GET.get("segment", "")[:40]
    if wants_export(request):
        if not request.user.has_perm(roles.MANAGE_MARKETING):  # a list of people: owner and marketing only
            return forbidden(request, roles.MANAGE_MARKETING)
        return _export_customers(request, q=q, tier=tier, segment=segment)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows, count = queries.list_customers(search=q, tier=tier, segment=segment, page=page, page_size=50)
    may_see = request.user.has_perm(roles.VIEW_CONTACT)
    for c in rows:
        c.shown_phone = queries.shown_phone(c.phone, may_see)
    page_obj = Paginator(range(count), 50).get_page(page)
    return render(
        request,
        "customers/console/customer_list.html",
        {
            "rows": rows,
            "count": count,
            "q": q,
            "tier": tier,
            "segment": segment,
            "page_obj": page_obj,
            "tiers": queries.list_tiers(),
            "segments": queries.list_segment_figures(),
            "may_export": request.user.has_perm(roles.MANAGE_MARKETING),
        },
    )


@staff_permission_required(roles.VIEW_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def customer_detail(request, pk):
    customer = queries.get_customer(pk)
    if request.method == "POST":
        action = request.POST.get("action", "")
        needed = {
            "points": roles.ADJUST_POINTS,
            "notes": roles.MANAGE_MARKETING,
            "merge": roles.MANAGE_PRIVACY,
            "erase": roles.MANAGE_PRIVACY,
        }.get(action)
        if needed is None:
            return redirect("console:customers:customer-detail", pk=pk)
        if not request.user.has_perm(needed):
            return forbidden(request, needed)
        try:
            if action == "points":
                services.adjust_points(
                    customer=customer,
                    delta=int(request.POST.get("delta") or 0),
                    reason=request.POST.get("reason", ""),
                    actor=request.user,
                    ip_address=client_ip(request),
                )
                messages.success(request, _("积分已调整。"))
            elif action == "notes":
                services.update_notes(
                    customer=customer,
                    tags=request.POST.get("tags", "").replace("，", ",").split(","),
                    note=request.POST.get("note", ""),
                    actor=request.user,
                )
                messages.success(request, _("已保存。"))
            elif action == "merge":
                other = queries.get_customer(int(request.POST.get("other") or 0))
                services.merge_customers(keep=customer, other=other, actor=request.user, ip_address=client_ip(request))
                messages.success(request, _("已合并。"))
            else:
                services.erase_customer(customer=customer, actor=request.user, ip_address=client_ip(request))
                messages.success(request, _("该客户的个人信息已删除。"))
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "detail", "")) or _("提交的信息有误，请检查标出的字段。"))
        return redirect("console:customers:customer-detail", pk=pk)
    return render(
        request,
        "customers/console/customer_detail.html",
        queries.get_customer_360(customer, may_see_contact=request.user.has_perm(roles.VIEW_CONTACT))
        | {
            "may_adjust": request.user.has_perm(roles.ADJUST_POINTS),
            "may_edit": request.user.has_perm(roles.MANAGE_MARKETING),
            "may_privacy": request.user.has_perm(roles.MANAGE_PRIVACY),
        },
    )


@staff_permission_required(roles.MANAGE_PRIVACY)
def customer_export(request, pk):
    customer = queries.get_customer(pk)
    data = services.record_privacy_request(
        customer=customer, kind="export", actor=request.user, ip_address=client_ip(request)
    )
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    return response


RULE_NUMBERS = ("min_spend", "max_spend", "min_orders", "max_recency_days", "min_recency_days")
RULE_LISTS = ("tags", "tiers", "provinces", "categories", "skus")


def _rule_from_form(post) -> dict:
    """A segment rule from the form: numbers as entered (checked by the service), lists split on commas."""
    rule = {}
    for key in RULE_NUMBERS:
        value = post.get(key, "").strip()[:20]
        if value:
            rule[key] = value
    for key in RULE_LISTS:
        values = [v.strip()[:60] for v in post.get(key, "").replace("，", ",").split(",") if v.strip()][:50]
        if values:
            rule[key] = values
    if post.get("consent") in ("email", "sms"):
        rule["consent"] = post["consent"]
    return rule


@staff_permission_required(roles.VIEW_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def segment_list(request):
    """RFM and rule segments with customers and revenue; owner and marketing define rule segments."""
    errors, form = {}, {}
    may_edit = request.user.has_perm(roles.MANAGE_MARKETING)
    if request.method == "POST":
        if not may_edit:
            return forbidden(request, roles.MANAGE_MARKETING)
        from dianpu.core.errors import ValidationFailed

        form = request.POST
        try:
            segment = services.save_segment(
                code=request.POST.get("code", "")[:40],
                name=request.POST.get("name", "")[:100],
                conditions=_rule_from_form(request.POST),
                actor=request.user,
            )
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            messages.success(request, _("分群已保存，成员正在更新。"))
            return redirect(f"{request.path}#segment-{segment.code}")
    return render(
        request,
        "customers/console/segment_list.html",
        {
            "segments": queries.list_segment_figures(),
            "may_edit": may_edit,
            "errors": errors,
            "form": form,
            "tiers": queries.list_tiers(),
            "labels": queries.SEGMENT_LABELS,
        },
        status=422 if errors else 200,
    )


@staff_permission_required(roles.MANAGE_MARKETING)
def outreach_list(request):
    """Outreach with its figures: sent, delivered, failed, opened and clicked."""
    from ..outreach import outreach_figures

    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    rows, count = queries.list_outreach(page=page)
    items = []
    for o in rows:
        f = outreach_figures(o)
        base = f["delivered"] or 0
        items.append(
            {
                "outreach": o,
                **f,
                "open_rate": f["opened"] / base if base else None,
                "click_rate": f["clicked"] / base if base else None,
            }
        )
    return render(
        request,
        "customers/console/outreach_list.html",
        {"items": items, "count": count, "page_obj": Paginator(range(count), 50).get_page(page)},
    )


@staff_permission_required(roles.MANAGE_MARKETING)
@require_http_methods(["GET", "POST"])
def offer_list(request):
    """The points exchange list (积分兑换): coupons customers buy with points; add or withdraw."""
    from dianpu.core.errors import ValidationFailed

    from .. import rewards
    from ..models import MemberCoupon, PointsOffer

    errors, form = {}, {}
    if request.method == "POST":
        if request.POST.get("action") == "tier":
            try:
                rewards.set_birthday_coupon(
                    tier_code=request.POST.get("tier", "")[:30],
                    amount=request.POST.get("amount", "")[:20],
                    min_spend=request.POST.get("min_spend", "")[:20],
                    actor=request.user,
                )
            except ValidationFailed as exc:
                messages.error(request, "；".join(exc.errors.values()))
            else:
                messages.success(request, _("已保存。"))
            return redirect("console:customers:offer-list")
        if request.POST.get("action") == "withdraw":
            rewards.withdraw_offer(offer_id=int(request.POST.get("offer") or 0), actor=request.user)
            messages.success(request, _("已下架。"))
            return redirect("console:customers:offer-list")
        form = request.POST
        try:
            rewards.save_offer(
                name=form.get("name", ""),
                name_en=form.get("name_en", ""),
                points=form.get("points"),
                coupon_amount=form.get("coupon_amount", ""),
                coupon_min_spend=form.get("coupon_min_spend", ""),
                valid_days=form.get("valid_days") or 30,
                actor=request.user,
            )
        except ValidationFailed as exc:
            errors = exc.errors
        else:
            messages.success(request, _("已保存。"))
            return redirect("console:customers:offer-list")
    issued = {row["source"]: row["n"] for row in MemberCoupon.objects.values("source").annotate(n=Count("id"))}
    return render(
        request,
        "customers/console/offer_list.html",
        {
            "offers": PointsOffer.objects.filter(is_active=True)[:100],
            "errors": errors,
            "form": form,
            "tiers": queries.list_tiers(),
            "issued": issued,
        },
        status=422 if errors else 200,
    )
