"""Console pages of the team's daily work: today's checklists, tasks, the operations calendar,
training documents, staff figures, routine templates."""

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.accounts.domain.roles import ROLES
from dianpu.core.errors import DomainError
from dianpu.teamwork import queries, services
from dianpu.teamwork.domain.calendar import parse_month, shift_month


def _int(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def _day(value, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


@staff_permission_required()  # every staff member
def today(request):
    if request.method == "POST":
        try:
            services.tick_routine_item(
                actor=request.user,
                item_id=_int(request.POST.get("item_id")),
                note=request.POST.get("note", ""),
                done=request.POST.get("done", "1") == "1",
            )
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect(request.get_full_path())
    day = _day(request.GET.get("day"), services.today())
    manager = services.is_manager(request.user)
    user_id = _int(request.GET.get("user")) if manager else None
    if day == services.today():
        services.generate_routines(day, user=request.user)  # the morning task has not run yet (or a new colleague)
    routines = queries.list_routines(request.user, day=day, user_id=user_id or (None if manager else request.user.pk))
    rows = [{"routine": r, "items": list(r.items.all())} for r in routines]
    for row in rows:
        row["done"] = sum(1 for i in row["items"] if i.done_at)
    return render(
        request,
        "teamwork/console/today.html",
        {
            "rows": rows,
            "day": day,
            "manager": manager,
            "staff": queries.list_staff() if manager else [],
            "selected_user": user_id,
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "tasks": queries.list_tasks(request.user, status="open", owner_id=request.user.pk, limit=20),
        },
    )


@staff_permission_required()  # every staff member
def task_list(request):
    manager = services.is_manager(request.user)
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("action") in ("done", "cancelled"):
                services.close_task(actor=request.user, task_id=_int(post.get("task_id")), status=post["action"])
                messages.success(request, _("任务已关闭。"))
            else:
                due = _day(post.get("due_on"), None) if post.get("due_on") else None
                services.create_task(
                    actor=request.user,
                    title=post.get("title", ""),
                    owner_id=_int(post.get("owner_id")) or request.user.pk,
                    due_on=due,
                    notes=post.get("notes", ""),
                )
                messages.success(request, _("任务已创建。"))
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect(request.get_full_path())
    status = request.GET.get("status", "open")
    owner = _int(request.GET.get("owner")) if manager else None
    return render(
        request,
        "teamwork/console/task_list.html",
        {
            "tasks": queries.list_tasks(request.user, status=status, owner_id=owner, limit=200),
            "status": status,
            "statuses": services.Task.Status.choices,
            "manager": manager,
            "staff": queries.list_staff() if manager else [],
            "today": services.today(),
            "selected_owner": owner,
        },
    )


@staff_permission_required()  # every staff member
def calendar_page(request):
    now = services.today()
    year, month = parse_month(request.GET.get("month", ""), (now.year, now.month))
    data = queries.calendar_month(request.user, year, month)
    previous, following = shift_month(year, month, -1), shift_month(year, month, 1)
    return render(
        request,
        "teamwork/console/calendar.html",
        {
            "weeks": data["weeks"],
            "year": year,
            "month": month,
            "today": now,
            "previous": f"{previous[0]}-{previous[1]:02d}",
            "next": f"{following[0]}-{following[1]:02d}",
        },
    )


@staff_permission_required()  # every staff member
def training_list(request):
    if request.method == "POST":
        try:
            doc = services.save_training_doc(
                actor=request.user,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                audience=request.POST.getlist("roles"),
            )
            messages.success(request, _("培训资料已保存。"))
            return redirect("console:teamwork:training-detail", pk=doc.pk)
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:teamwork:training-list")
    return render(
        request,
        "teamwork/console/training_list.html",
        {
            "docs": queries.training_for(request.user),
            "manager": services.is_manager(request.user),
            "roles": ROLES,
        },
    )


@staff_permission_required()  # every staff member
def training_detail(request, pk):
    try:
        doc = queries.get_training_doc(request.user, pk)
    except DomainError as exc:
        raise Http404(str(exc.detail)) from exc
    if request.method == "POST":
        services.confirm_read(actor=request.user, doc=doc)
        messages.success(request, _("已确认阅读。"))
        return redirect("console:teamwork:training-detail", pk=pk)
    manager = services.is_manager(request.user)
    return render(
        request,
        "teamwork/console/training_detail.html",
        {
            "doc": doc,
            "manager": manager,
            "confirmations": queries.read_confirmations(doc) if manager else [],
            "role_names": {r.code: r.name for r in ROLES},
        },
    )


@staff_permission_required(roles.MANAGE_TEAM)
def figures(request):
    now = services.today()
    date_to = _day(request.GET.get("to"), now)
    date_from = _day(request.GET.get("from"), date_to - timedelta(days=6))
    if date_from > date_to or (date_to - date_from).days > 366:
        date_from = date_to - timedelta(days=6)
    return render(
        request,
        "teamwork/console/figures.html",
        {
            "rows": queries.staff_figures(date_from, date_to),
            "date_from": date_from,
            "date_to": date_to,
        },
    )


@staff_permission_required(roles.MANAGE_TEAM)
def template_list(request):
    if request.method == "POST":
        try:
            services.save_routine_template(
                actor=request.user,
                role=request.POST.get("role", ""),
                title=request.POST.get("title", ""),
                items=request.POST.get("items", "").splitlines(),
            )
            messages.success(request, _("检查模板已保存，明天起生效。"))
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:teamwork:template-list")
    services.ensure_default_templates()
    names = {r.code: r.name for r in ROLES}
    return render(
        request,
        "teamwork/console/template_list.html",
        {
            "templates": [{"t": t, "role": names.get(t.role, t.role)} for t in queries.list_templates()],
            "roles": ROLES,
        },
    )


@staff_permission_required(roles.MANAGE_TEAM)
def template_edit(request, pk: int):
    """One checklist template: role, title, items (one a line, in order), on or off."""
    try:
        template = services.get_routine_template(pk)
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        try:
            services.save_routine_template(
                actor=request.user,
                template=template,
                role=request.POST.get("role", ""),
                title=request.POST.get("title", ""),
                items=request.POST.get("items", "").splitlines(),
                active=request.POST.get("active") == "on",
            )
            messages.success(request, _("检查模板已保存，明天起生效。"))
            return redirect("console:teamwork:template-list")
        except DomainError as exc:
            messages.error(request, str(exc.detail))
        return redirect("console:teamwork:template-edit", pk=pk)
    return render(
        request,
        "teamwork/console/template_edit.html",
        {"t": template, "items_text": "\n".join(template.items), "roles": ROLES},
    )
