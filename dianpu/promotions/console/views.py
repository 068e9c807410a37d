"""Promotion and coupon pages of the console: list, create, edit, end; coupons and batches
(with a CSV of the generated codes). Each view parses the form, calls one service, shows errors."""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError, ValidationFailed
from dianpu.core.exports import Column, Table, export_response, local_time, wants_export
from dianpu.core.http import client_ip
from dianpu.core.tables import csv_value
from dianpu.promotions import queries, services
from dianpu.promotions.domain.window import is_open_end
from dianpu.promotions.models import CouponBatch

from .forms import BatchForm, CouponForm, PromotionForm

PAGE_SIZE = 30
NEEDS = roles.MANAGE_PROMOTIONS


def _promotion(pk):
    try:
        return queries.get_promotion(pk)
    except DomainError as exc:
        raise Http404(str(exc.detail)) from exc


def _attach(form, exc: DomainError) -> list[str]:
    """Field errors onto the form's fields; the rest as page messages."""
    if not isinstance(exc, ValidationFailed):
        return [str(exc.detail)]
    rest = [str(exc.detail)]
    for key, message in exc.errors.items():
        field = key.split(".")[0]
        field = {"scope": "scope_all", "conditions": "member_tiers"}.get(field, field)
        if field in form.fields:
            form.add_error(field, message)
        else:
            rest.append(f"{key}: {message}")
    return rest


@staff_permission_required(NEEDS)
def promotion_list(request):
    status = request.GET.get("status", "")
    rows = queries.list_promotions(status=status)
    if wants_export(request):
        return export_response(
            request,
            Table(
                "promotions",
                _("促销活动"),
                [
                    Column("name", _("名称")),
                    Column("kind", _("类型")),
                    Column("starts_at", _("开始时间")),
                    Column("ends_at", _("结束时间")),
                    Column("priority", _("优先级"), numeric=True),
                    Column("status", _("状态")),
                    Column("cost", _("已优惠"), numeric=True),
                    Column("budget", _("预算"), numeric=True),
                ],
                (
                    {
                        "name": p.name,
                        "kind": p.get_kind_display(),
                        "starts_at": local_time(p.starts_at),
                        "ends_at": _("长期有效") if is_open_end(p.ends_at) else local_time(p.ends_at),
                        "priority": p.priority,
                        "status": str(queries.status_label(queries.promotion_status(p))),
                        "cost": queries.sum_promotion_cost([p.pk]),
                        "budget": p.budget,
                    }
                    for p in rows
                ),
            ),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [
        {
            "p": p,
            "status": queries.promotion_status(p),
            "status_label": queries.status_label(queries.promotion_status(p)),
            "cost": queries.sum_promotion_cost([p.pk]),
        }
        for p in page.object_list
    ]
    return render(
        request,
        "promotions/console/promotion_list.html",
        {
            "page_obj": page,
            "items": items,
            "status": status,
            "statuses": [("", _("全部")), ("live", _("进行中")), ("scheduled", _("未开始")), ("ended", _("已结束"))],
        },
    )


def _promotion_form(request, promotion=None):
    errors: list[str] = []
    if request.method == "POST":
        form = PromotionForm(request.POST)
        if form.is_valid():
            try:
                if promotion is None:
                    saved = services.create_promotion(
                        form.definition(), actor=request.user, ip_address=client_ip(request)
                    )
                    messages.success(request, _("促销「%(name)s」已创建。") % {"name": saved.name})
                else:
                    saved = services.update_promotion(
                        promotion, form.definition(), actor=request.user, ip_address=client_ip(request)
                    )
                    messages.success(request, _("促销「%(name)s」已保存。") % {"name": saved.name})
                return redirect("console:promotions:promotion-list")
            except DomainError as exc:
                errors = _attach(form, exc)
    else:
        form = PromotionForm(initial=PromotionForm.initial_of(promotion) if promotion else None)
    return render(
        request,
        "promotions/console/promotion_form.html",
        {"form": form, "promotion": promotion, "errors": errors},
        status=422 if errors else 200,
    )


@staff_permission_required(NEEDS)
def promotion_create(request):
    return _promotion_form(request)


@staff_permission_required(NEEDS)
def promotion_edit(request, pk):
    return _promotion_form(request, _promotion(pk))


@require_POST
@staff_permission_required(NEEDS)
def promotion_end(request, pk):
    promotion = services.end_promotion(_promotion(pk), actor=request.user, ip_address=client_ip(request))
    messages.success(request, _("促销「%(name)s」已结束。") % {"name": promotion.name})
    return redirect("console:promotions:promotion-list")


@staff_permission_required(NEEDS)
def coupon_list(request):
    errors: list[str] = []
    form, batch_form = CouponForm(prefix="coupon"), BatchForm(prefix="batch")
    if request.method == "POST":
        if request.POST.get("action") == "batch":
            batch_form = BatchForm(request.POST, prefix="batch")
            if batch_form.is_valid():
                data = batch_form.definition()
                data.pop("code", None)
                try:
                    batch = services.issue_coupon_batch(
                        name=data.pop("name") or "",
                        prefix=batch_form.cleaned_data.get("prefix") or "",
                        quantity=batch_form.cleaned_data.get("quantity") or 0,
                        template=data,
                        actor=request.user,
                        ip_address=client_ip(request),
                    )
                    messages.success(request, _("已生成 %(n)s 张券码。") % {"n": batch.quantity})
                    return redirect("console:promotions:coupon-list")
                except DomainError as exc:
                    errors = _attach(batch_form, exc)
        else:
            form = CouponForm(request.POST, prefix="coupon")
            if form.is_valid():
                try:
                    coupon = services.create_coupon(
                        form.definition(), actor=request.user, ip_address=client_ip(request)
                    )
                    messages.success(request, _("优惠券 %(code)s 已创建。") % {"code": coupon.code})
                    return redirect("console:promotions:coupon-list")
                except DomainError as exc:
                    errors = _attach(form, exc)
    rows = queries.list_coupons(search=request.GET.get("q", ""))
    if request.method == "GET" and wants_export(request):
        return export_response(
            request,
            Table(
                "coupons",
                _("优惠券"),
                [
                    Column("code", _("券码")),
                    Column("kind", _("类型")),
                    Column("percent", _("折扣（%）"), numeric=True),
                    Column("amount", _("优惠金额"), numeric=True),
                    Column("min_spend", _("最低消费"), numeric=True),
                    Column("starts_at", _("开始时间")),
                    Column("ends_at", _("结束时间")),
                    Column("used_count", _("已使用"), numeric=True),
                    Column("usage_limit", _("总次数上限"), numeric=True),
                    Column("is_active", _("启用")),
                ],
                (
                    {
                        "code": c.code,
                        "kind": c.get_kind_display(),
                        "percent": c.percent if c.kind == "percent" else None,
                        "amount": c.amount if c.kind == "amount" else None,
                        "min_spend": c.min_spend,
                        "starts_at": local_time(c.starts_at),
                        "ends_at": _("长期有效") if is_open_end(c.ends_at) else local_time(c.ends_at),
                        "used_count": c.used_count,
                        "usage_limit": c.usage_limit,
                        "is_active": "✓" if c.is_active else "",
                    }
                    for c in rows.iterator()
                ),
            ),
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    batches = CouponBatch.objects.all()[:20]
    return render(
        request,
        "promotions/console/coupon_list.html",
        {
            "page_obj": page,
            "form": form,
            "batch_form": batch_form,
            "errors": errors,
            "batches": batches,
            "q": request.GET.get("q", ""),
        },
        status=422 if errors else 200,
    )


@staff_permission_required(NEEDS)
def batch_codes_csv(request, pk):
    batch = CouponBatch.objects.filter(pk=pk).first()
    if batch is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="coupons-{batch.prefix}-{batch.pk}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the UTF-8 correctly
    writer = csv.writer(response)
    writer.writerow(["code", "kind", "amount", "percent", "min_spend", "starts_at", "ends_at", "used"])
    for c in batch.coupons.order_by("code"):
        writer.writerow(
            [
                csv_value(v)
                for v in (
                    c.code,
                    c.kind,
                    c.amount,
                    c.percent,
                    c.min_spend,
                    c.starts_at.isoformat(),
                    c.ends_at.isoformat(),
                    c.used_count,
                )
            ]
        )
    return response


@staff_permission_required(NEEDS)
def coupon_edit(request, code):
    try:
        coupon = queries.get_coupon(code)
    except DomainError as exc:
        raise Http404(str(exc.detail)) from exc
    errors: list[str] = []
    if request.method == "POST":
        form = CouponForm(request.POST)
        if form.is_valid():
            data = form.definition()
            data.pop("code", None)
            data["is_active"] = bool(request.POST.get("is_active"))
            try:
                services.update_coupon(coupon, data, actor=request.user, ip_address=client_ip(request))
                messages.success(request, _("优惠券 %(code)s 已保存。") % {"code": coupon.code})
                return redirect("console:promotions:coupon-list")
            except DomainError as exc:
                errors = _attach(form, exc)
    else:
        form = CouponForm(initial=CouponForm.initial_of(coupon))
    return render(
        request,
        "promotions/console/coupon_form.html",
        {"form": form, "coupon": coupon, "errors": errors},
        status=422 if errors else 200,
    )
