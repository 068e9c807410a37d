"""Console: the review moderation list (hide / show)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core.errors import DomainError
from dianpu.reviews import queries, services
from dianpu.reviews.models import Review

PAGE = 50


@staff_permission_required(roles.MODERATE_REVIEWS)
def review_list(request):
    status = request.GET.get("status", "")
    status = status if status in Review.Status.values else ""
    try:
        rating = int(request.GET.get("rating", 0))
    except ValueError:
        rating = 0
    rows = queries.list_reviews(status=status, rating=rating or None, limit=PAGE)
    return render(
        request,
        "reviews/console/review_list.html",
        {
            "reviews": rows,
            "status": status,
            "rating": rating,
            "statuses": Review.Status.choices,
            "ratings": [1, 2, 3, 4, 5],
        },
    )


@require_POST
@staff_permission_required(roles.MODERATE_REVIEWS)
def review_moderate(request, pk):
    try:
        if request.POST.get("action") == "show":
            services.show_review(review_id=pk, actor=request.user)
            messages.success(request, _("评价已重新显示。"))
        else:
            services.hide_review(review_id=pk, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("评价已隐藏。"))
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("console:reviews:review-list")
