"""Reads for the designer's desk and the A/B test: briefs as each role may see them, an
experiment's figures from analytics' tracking events (attributed to arms by the split hash)."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from dianpu.accounts.domain import roles
from dianpu.analytics.models import TrackingEvent
from dianpu.core.errors import NotFoundError

from .domain.abtest import ArmFigures, assign_arm, suggest_winner
from .domain.states import OPEN_STATUSES
from .messages import MESSAGES
from .models import Brief, Experiment

MAX_LIST = 200


def can_manage(user) -> bool:
    return user.has_perm(roles.MANAGE_BRIEFS)


def visible_briefs(user):
    """Owner and operator see every brief; a designer sees the briefs assigned to them."""
    briefs = Brief.objects.select_related("product", "assignee")
    if can_manage(user):
        return briefs
    return briefs.filter(assignee=user)


def list_briefs(user, *, status: str = "", open_only: bool = False, limit: int = 100, offset: int = 0) -> list[Brief]:
    briefs = visible_briefs(user)
    if status:
        briefs = briefs.filter(status=status)
    elif open_only:
        briefs = briefs.filter(status__in=[s.value for s in OPEN_STATUSES])
    limit, offset = max(1, min(int(limit), MAX_LIST)), max(0, int(offset))
    return list(briefs.annotate(draft_count=Count("drafts")).order_by("due_on", "-id")[offset : offset + limit])


def get_brief(user, pk: int) -> Brief:
    brief = visible_briefs(user).filter(pk=pk).first()
    if brief is None:
        raise NotFoundError(MESSAGES["brief_not_found"], code="brief_not_found")
    return brief


def list_designers(limit: int = 100) -> list:
    return list(get_user_model().objects.filter(is_active=True, groups__name="designer").order_by("username")[:limit])


def list_experiments(*, product_id: int | None = None, limit: int = 100) -> list[Experiment]:
    experiments = Experiment.objects.select_related("product").prefetch_related("arms__product_image")
    if product_id:
        experiments = experiments.filter(product_id=product_id)
    return list(experiments[: max(1, min(int(limit), MAX_LIST))])


def get_experiment(pk: int) -> Experiment:
    experiment = (
        Experiment.objects.select_related("product").prefetch_related("arms__product_image").filter(pk=pk).first()
    )
    if experiment is None:
        raise NotFoundError(MESSAGES["experiment_not_found"], code="experiment_not_found")
    return experiment


def running_experiment_images(*, full_size: bool = False) -> dict[int, tuple[int, list[str]]]:
    """{product id: (experiment id, [image URL per arm])} of every running experiment: what the
    storefront's product cards (thumbnails) and product pages (`full_size`) carry so the browser
    can show each visitor their image."""
    result = {}
    for experiment in Experiment.objects.filter(status=Experiment.State.RUNNING).prefetch_related(
        "arms__product_image"
    )[:500]:
        urls = []
        for arm in experiment.arms.all():
            image = arm.product_image
            urls.append(image.image.url if full_size or not image.thumbnail else image.thumbnail.url)
        result[experiment.product_id] = (experiment.pk, urls)
    return result


def experiment_figures(experiment: Experiment) -> dict:
    """Impressions and clicks per arm from the product card events seen while it ran, each visitor's
    events attributed to the arm the split gives them; with the suggested winner."""
    arms = list(experiment.arms.all())
    # `day` first: the (day, kind) index narrows the scan to the days the test ran.
    events = TrackingEvent.objects.filter(
        day__gte=timezone.localdate(experiment.started_at),
        kind__in=("list_impression", "list_click"),
        product_id=experiment.product_id,
        occurred_at__gte=experiment.started_at,
    )
    if experiment.ended_at:
        events = events.filter(day__lte=timezone.localdate(experiment.ended_at), occurred_at__lt=experiment.ended_at)
    shown = [0] * len(arms)
    clicked = [0] * len(arms)
    rows = events.values("visitor_id").annotate(
        shown=Count("id", filter=Q(kind="list_impression")), clicked=Count("id", filter=Q(kind="list_click"))
    )
    for row in rows.iterator(chunk_size=2000):
        index = assign_arm(experiment.pk, row["visitor_id"], len(arms))
        shown[index] += row["shown"]
        clicked[index] += row["clicked"]
    figures = [ArmFigures(arm=i, impressions=shown[i], clicks=clicked[i]) for i in range(len(arms))]
    verdict = suggest_winner(figures)
    return {
        "arms": [{"arm": arm, "figures": f} for arm, f in zip(arms, figures, strict=True)],
        "verdict": verdict,
        "winner": arms[verdict.winner] if verdict.winner is not None else None,
    }
