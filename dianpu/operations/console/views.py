"""The owner's status page (运行状态) and the storefront link report."""

from django.shortcuts import render

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.paging import BoundedPaginator
from dianpu.operations import queries
from dianpu.operations.models import LinkCheck

NEEDS = roles.VIEW_OPERATIONS


@staff_permission_required(NEEDS)
def status_page(request):
    return render(request, "operations/console/status.html", {"status": queries.get_status(), "section": "status"})


@staff_permission_required(NEEDS)
def link_report(request):
    check = LinkCheck.objects.exclude(finished_at=None).order_by("-started_at").first()
    problems = check.problems.order_by("kind", "page") if check else []
    page = BoundedPaginator(problems, 100).get_page(request.GET.get("page")) if check else None
    return render(request, "operations/console/link_report.html", {"check": check, "page": page, "section": "status"})
