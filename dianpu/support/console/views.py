"""Service desk pages of the console: the inbox (refreshes itself), a conversation (new messages
appear without reloading; reply, note, assign, status, tags, priority, complaint, canned replies in
one click), canned replies (话术库), SLA settings. Messages are shown as text, never as HTML."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip
from dianpu.support import queries, services
from dianpu.support.domain.canned import VARIABLES
from dianpu.support.models import Conversation, SlaPolicy

NEEDS = roles.ANSWER_CONVERSATIONS
CHECKLIST_LABELS = {
    "greeting": gettext_lazy("问候"),
    "accuracy": gettext_lazy("准确"),
    "tone": gettext_lazy("语气"),
    "resolution": gettext_lazy("解决"),
}
FILTERS = ("mine", "unassigned", "open", "pending", "resolved", "closed", "complaints", "all")


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _inbox_rows(request, view: str):
    kwargs = {}
    if view == "mine":
        kwargs.update(assignee_id=request.user.pk)
    elif view == "unassigned":
        kwargs.update(unassigned=True)
    elif view == "complaints":
        kwargs.update(complaint=True)
    elif view in ("open", "pending", "resolved", "closed"):
        kwargs.update(status=view)
    rows = queries.list_conversations(
        search=request.GET.get("q", "")[:100], tag=request.GET.get("tag", "")[:30], limit=100, **kwargs
    )
    targets = queries.targets_by_priority()
    for row in rows:
        row.sla = queries.get_sla_status(row, targets=targets.get(row.priority))
    return rows


@staff_permission_required(NEEDS)
def inbox(request):
    if request.method == "POST":
        try:
            services.set_on_duty(user=request.user, on_duty=request.POST.get("on_duty") == "1")
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:support:inbox")
    view = request.GET.get("view", "open")
    view = view if view in FILTERS else "open"
    context = {
        "rows": _inbox_rows(request, view),
        "view": view,
        "filters": FILTERS,
        "on_duty": queries.is_on_duty(request.user),
        "q": request.GET.get("q", ""),
        "tag": request.GET.get("tag", ""),
    }
    if request.GET.get("fragment") == "rows":
        return render(request, "support/console/_inbox_rows.html", context)
    return render(request, "support/console/inbox.html", context)


def _conversation(pk) -> Conversation:
    conversation = (
        Conversation.objects.select_related("assignee", "order", "customer", "complaint_product").filter(pk=pk).first()
    )
    if conversation is None:
        raise Http404
    return conversation


def message_json(m) -> dict:
    return {
        "id": m.pk,
        "sender": m.sender,
        "sender_label": str(m.get_sender_display()),
        "author": m.author.get_username() if m.author_id and m.author else "",
        "body": m.body,
        "internal": m.internal,
        "created_at": m.created_at.isoformat(),
        "attachments": [reverse("api:support-attachment", args=[a.pk]) for a in m.attachments.all()],
    }


@staff_permission_required(NEEDS)
def conversation_messages(request, pk):
    """JSON the conversation page polls: messages after `after`, the status."""
    conversation = _conversation(pk)
    try:
        after = max(0, min(int(request.GET.get("after", 0)), 2**62))
    except ValueError:
        after = 0
    rows = queries.list_messages(conversation, after=after, include_internal=True)
    return JsonResponse(
        {
            "status": conversation.status,
            "status_label": str(conversation.get_status_display()),
            "items": [message_json(m) for m in rows],
        }
    )


def _act(request, conversation: Conversation):
    post, action, actor = request.POST, request.POST.get("action", ""), request.user
    if action == "reply":
        return services.post_agent_reply(
            conversation=conversation, actor=actor, message=post.get("message", ""), image=request.FILES.get("image")
        )
    if action == "note":
        return services.add_internal_note(conversation=conversation, actor=actor, note=post.get("message", ""))
    if action == "assign":
        assignee = None
        if post.get("assignee"):
            assignee = get_user_model().objects.filter(pk=int(post["assignee"])).first()
            if assignee is None:
                raise DomainError(_("只能分配给有客服权限的员工。"), code="assignee_not_agent")
        return services.assign_conversation(
            conversation=conversation, assignee=assignee, actor=actor, ip_address=client_ip(request)
        )
    if action == "status":
        return services.change_status(
            conversation=conversation, status=post.get("status", ""), actor=actor, ip_address=client_ip(request)
        )
    if action == "priority":
        return services.set_priority(conversation=conversation, priority=post.get("priority", ""), actor=actor)
    if action == "tags":
        tags = post.get("tags", "").replace("，", ",").split(",")
        return services.set_tags(conversation=conversation, tags=tags, actor=actor)
    if action == "complaint":
        return services.classify_complaint(
            conversation=conversation,
            cause=post.get("cause", ""),
            product_slug=post.get("product", "").strip(),
            carrier=post.get("carrier", ""),
            actor=actor,
        )
    if action == "canned":
        return services.use_canned_reply(reply_id=int(post.get("reply") or 0), conversation=conversation)
    raise DomainError(_("未知的操作。"), code="unknown_action")


@staff_permission_required(NEEDS)
def conversation_detail(request, pk):
    conversation = _conversation(pk)
    if request.method == "POST":
        try:
            result = _act(request, conversation)
        except (DomainError, ValueError) as exc:
            detail = str(getattr(exc, "detail", exc))
            if _wants_json(request):
                return JsonResponse({"code": getattr(exc, "code", "invalid"), "detail": detail}, status=422)
            messages.error(request, detail)
            return redirect("console:support:conversation-detail", pk=pk)
        if _wants_json(request):
            if isinstance(result, str):
                return JsonResponse({"text": result})
            return JsonResponse({"ok": True, "message": message_json(result) if hasattr(result, "body") else None})
        return redirect("console:support:conversation-detail", pk=pk)
    conversation_messages_ = queries.list_messages(conversation, include_internal=True)
    return render(
        request,
        "support/console/conversation.html",
        {
            "c": conversation,
            "thread": conversation_messages_,
            "sla": queries.get_sla_status(conversation),
            "last_id": conversation_messages_[-1].pk if conversation_messages_ else 0,
            "agents": queries.list_agents(),
            "statuses": Conversation.Status.choices,
            "priorities": Conversation.Priority.choices,
            "causes": Conversation.ComplaintCause.choices,
            "canned": queries.list_canned_replies(),
            "may_see_contact": request.user.has_perm(roles.VIEW_CONTACT),
        },
    )


@staff_permission_required(NEEDS)
def canned_reply_list(request):
    if request.method == "POST":
        try:
            reply = services.create_canned_reply(
                title=request.POST.get("title", ""),
                category=request.POST.get("category", ""),
                body_zh=request.POST.get("body_zh", ""),
                body_en=request.POST.get("body_en", ""),
                actor=request.user,
            )
            messages.success(request, _("话术「%(title)s」已添加。") % {"title": reply.title})
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:support:canned-reply-list")
    return render(
        request,
        "support/console/canned_replies.html",
        {
            "replies": queries.list_canned_replies(category=request.GET.get("category", "")[:50], limit=500),
            "variables": ["{" + v + "}" for v in VARIABLES],
        },
    )


@staff_permission_required(roles.REVIEW_SUPPORT)
def sla_settings(request):
    if request.method == "POST":
        try:
            for priority in Conversation.Priority.values:
                services.set_sla_policy(
                    priority=priority,
                    first_response_minutes=int(request.POST.get(f"{priority}_first") or 1),
                    resolution_minutes=int(request.POST.get(f"{priority}_resolution") or 1),
                    warning_minutes=int(request.POST.get(f"{priority}_warning") or 0),
                    actor=request.user,
                )
            messages.success(request, _("客服时效设置已保存。"))
        except (DomainError, ValueError, OverflowError):
            messages.error(request, _("请输入 0 到 100000 之间的整数分钟数。"))
        return redirect("console:support:sla-settings")
    stored = {p.priority: p for p in SlaPolicy.objects.all()}
    rows = []
    for value, label in Conversation.Priority.choices:
        targets = services.sla_targets(value)
        rows.append({"value": value, "label": label, "targets": targets, "custom": value in stored})
    return render(request, "support/console/sla_settings.html", {"rows": rows})


@staff_permission_required(NEEDS)
def log_list(request):
    """客服日志: the agent's own day (figures drafted from the day's conversations, notes, submit);
    the leads also see and review everyone's submitted logs."""
    may_review = request.user.has_perm(roles.REVIEW_SUPPORT)
    if request.method == "POST":
        try:
            log = queries.get_log(int(request.POST.get("log") or 0))
            if log is None:
                raise DomainError(_("客服日志不存在。"), code="log_not_found")
            if request.POST.get("action") == "review":
                if not may_review:
                    raise DomainError(_("您的角色无权执行此操作。"), code="forbidden")
                services.review_daily_log(
                    log=log,
                    reviewer=request.user,
                    comment=request.POST.get("comment", ""),
                    ip_address=client_ip(request),
                )
                messages.success(request, _("已审阅。"))
            else:
                services.submit_daily_log(log=log, agent=request.user, notes=request.POST.get("notes", ""))
                messages.success(request, _("客服日志已提交。"))
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "detail", exc)))
        return redirect("console:support:log-list")
    today = services.draft_daily_log(agent=request.user)
    return render(
        request,
        "support/console/logs.html",
        {
            "today": today,
            "mine": queries.list_logs(agent=request.user, limit=30),
            "may_review": may_review,
            "to_review": queries.list_logs(status="submitted", limit=100) if may_review else [],
            "reviewed": queries.list_logs(status="reviewed", limit=30) if may_review else [],
        },
    )


@staff_permission_required(roles.REVIEW_SUPPORT)
def review_list(request):
    """质检: the week's sample per agent, scored against the checklist; banned words found
    automatically; agents' figures and score trend."""
    from datetime import date, timedelta

    from django.utils import timezone

    from dianpu.core import clock
    from dianpu.core.bounds import FIRST_DAY, LAST_DAY
    from dianpu.support.domain.review import CHECKLIST, week_start

    try:
        week = week_start(date.fromisoformat(request.GET.get("week", "")))
        if not FIRST_DAY <= week <= LAST_DAY:
            raise ValueError
    except ValueError:
        week = week_start(timezone.localtime(clock.now()).date())
    if request.method == "POST":
        try:
            if request.POST.get("action") == "sample":
                added = services.sample_week_for_review(week=week, actor=request.user)
                messages.success(request, _("已抽取 %(n)s 个会话。") % {"n": added})
            else:
                review = queries.get_review(int(request.POST.get("review") or 0))
                if review is None:
                    raise DomainError(_("质检记录不存在。"), code="review_not_found")
                services.score_chat_review(
                    review=review,
                    reviewer=request.user,
                    scores={k: request.POST.get(k) for k in CHECKLIST},
                    comment=request.POST.get("comment", ""),
                    ip_address=client_ip(request),
                )
                messages.success(request, _("评分已保存。"))
        except (DomainError, ValueError) as exc:
            messages.error(request, str(getattr(exc, "detail", exc)))
        return redirect(f"{request.path}?week={week.isoformat()}")
    since, _end = services.day_bounds(week - timedelta(weeks=3))
    until, _end = services.day_bounds(week + timedelta(days=7))
    reviews = queries.list_reviews(week=week)
    for review in reviews:
        review.checklist = [(k, CHECKLIST_LABELS[k], getattr(review, k) or 5) for k in CHECKLIST]
    return render(
        request,
        "support/console/reviews.html",
        {
            "week": week,
            "previous": week - timedelta(weeks=1),
            "next": week + timedelta(weeks=1),
            "reviews": reviews,
            "scores": range(1, 6),
            "figures": queries.agent_figures(since=since, until=until),
        },
    )
