"""Console pages of the designer's desk: briefs (a designer sees their own), a brief's page with
its references, drafts (upload, checks), comments and the status buttons; main-image A/B tests."""

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.catalog.models import Product
from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.design import queries, services
from dianpu.design.domain.images import KINDS
from dianpu.design.domain.states import DRAFTS_ALLOWED, allowed_actions
from dianpu.design.messages import ACTION_LABELS, KIND_LABELS, VERDICT_LABELS


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


@staff_permission_required(roles.WORK_ON_BRIEFS)
def brief_list(request):
    status = request.GET.get("status", "")
    status = status if status in {c for c, _label in services.Brief.State.choices} else ""
    briefs = queries.list_briefs(request.user, status=status, open_only=not status, limit=200)
    return render(
        request,
        "design/console/brief_list.html",
        {
            "briefs": briefs,
            "status": status,
            "statuses": services.Brief.State.choices,
            "can_manage": queries.can_manage(request.user),
            "today": timezone.localdate(clock.now()),
        },
    )


def _requirements_from(post) -> list[dict]:
    rows = []
    for kind in KINDS:
        if post.get(f"kind_{kind}"):
            rows.append(
                {
                    "kind": kind,
                    "width": post.get(f"width_{kind}") or None,
                    "height": post.get(f"height_{kind}") or None,
                    "count": post.get(f"count_{kind}") or 1,
                    "white_background": bool(post.get(f"white_{kind}")),
                }
            )
    return rows


@staff_permission_required(roles.MANAGE_BRIEFS)
def brief_create(request):
    if request.method == "POST":
        post = request.POST
        try:
            due = date.fromisoformat(post["due_on"]) if post.get("due_on") else None
            brief = services.create_brief(
                actor=request.user,
                product_id=_int(post.get("product_id")),
                title=post.get("title", ""),
                requirements=_requirements_from(post),
                reference_urls=[u for u in post.get("reference_urls", "").split() if u],
                copy_points=post.get("copy_points", ""),
                due_on=due,
                assignee_id=_int(post.get("assignee_id")),
                reference_files=request.FILES.getlist("references"),
            )
            messages.success(request, _("设计需求「%(title)s」已创建。") % {"title": brief.title})
            return redirect("console:design:brief-detail", pk=brief.pk)
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "detail", exc)))
    kinds = [
        {
            "code": k.code,
            "label": KIND_LABELS[k.code],
            "width": k.width,
            "height": k.height or "",
            "white": k.white_background,
        }
        for k in KINDS.values()
    ]
    return render(
        request,
        "design/console/brief_create.html",
        {
            "products": Product.objects.order_by("-id").only("pk", "name")[:500],
            "designers": queries.list_designers(),
            "kinds": kinds,
            "selected_product": _int(request.GET.get("product")),
        },
    )


@staff_permission_required(roles.WORK_ON_BRIEFS)
def brief_detail(request, pk):
    try:
        brief = queries.get_brief(request.user, pk)
    except DomainError as exc:
        raise Http404(str(exc.detail)) from exc
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("action") == "upload":
                upload = request.FILES.get("file")
                if upload is None:
                    raise DomainError(_("请选择图片文件。"), code="file_required")
                services.upload_draft(actor=request.user, brief=brief, kind=post.get("kind", ""), upload=upload)
                messages.success(request, _("设计稿已上传，检查通过。"))
            elif post.get("action") == "comment":
                services.comment_on_brief(actor=request.user, brief=brief, body=post.get("body", ""))
            else:
                action = post.get("action", "")
                services.act_on_brief(
                    actor=request.user,
                    brief=brief,
                    action=action,
                    comment=post.get("body", ""),
                    draft_ids=[_int(d) for d in post.getlist("draft")],
                )
                messages.success(request, _("已%(action)s。") % {"action": ACTION_LABELS.get(action, action)})
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:design:brief-detail", pk=brief.pk)
    sides = services.sides_of(request.user, brief)
    actions = [{"code": a, "label": ACTION_LABELS[a]} for a in allowed_actions(brief.status, sides)]
    requirements = [{**r, "label": KIND_LABELS.get(r["kind"], r["kind"])} for r in brief.requirements]
    return render(
        request,
        "design/console/brief_detail.html",
        {
            "brief": brief,
            "requirements": requirements,
            "drafts": list(brief.drafts.all()),
            "comments": list(brief.comments.select_related("author")),
            "references": list(brief.references.all()),
            "actions": actions,
            "can_upload": "designer" in sides and brief.status in DRAFTS_ALLOWED,
            "kind_labels": KIND_LABELS,
            "product_images": list(brief.product.images.all()[:12]),
        },
    )


@staff_permission_required(roles.RUN_EXPERIMENTS)
def experiment_list(request):
    if request.method == "POST":
        try:
            experiment = services.start_experiment(
                actor=request.user,
                product_id=_int(request.POST.get("product_id")),
                image_ids=[_int(i) for i in request.POST.getlist("image")],
            )
            messages.success(request, _("主图测试已开始。"))
            return redirect("console:design:experiment-detail", pk=experiment.pk)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect(f"{request.path}?product={_int(request.POST.get('product_id'))}")
    product = Product.objects.filter(pk=_int(request.GET.get("product"))).prefetch_related("images").first()
    return render(
        request,
        "design/console/experiment_list.html",
        {
            "experiments": queries.list_experiments(limit=100),
            "product": product,
            "products": Product.objects.order_by("-id").only("pk", "name")[:500],
        },
    )


@staff_permission_required(roles.RUN_EXPERIMENTS)
def experiment_detail(request, pk):
    try:
        experiment = queries.get_experiment(pk)
    except DomainError as exc:
        raise Http404(str(exc.detail)) from exc
    if request.method == "POST":
        try:
            if request.POST.get("action") == "stop":
                services.stop_experiment(actor=request.user, experiment=experiment)
                messages.success(request, _("测试已停止。"))
            else:
                arm = request.POST.get("arm")
                services.apply_experiment_winner(
                    actor=request.user, experiment=experiment, arm_index=None if arm in (None, "") else _int(arm)
                )
                messages.success(request, _("已设为商品主图。"))
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:design:experiment-detail", pk=pk)
    figures = queries.experiment_figures(experiment)
    verdict = figures["verdict"]
    return render(
        request,
        "design/console/experiment_detail.html",
        {
            "experiment": experiment,
            "arms": figures["arms"],
            "verdict": verdict,
            "winner": figures["winner"],
            "verdict_label": VERDICT_LABELS.get(verdict.reason, verdict.reason),
        },
    )
