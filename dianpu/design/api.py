"""Designer's desk and main-image A/B test endpoints.

Briefs: owner and operator (design.manage_briefs) see and create every brief; a designer
(design.work_on_briefs) sees the briefs assigned to them and uploads drafts. Experiments:
design.run_experiments (owner, operator)."""

from datetime import date

from ninja import File, Form, Router, Schema, Status, UploadedFile

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.bounds import ShopDate

from . import queries, services
from .domain.states import allowed_actions

router = Router(tags=["design"], auth=StaffToken())


class Problem(Schema):
    code: str
    detail: str


class Created(Schema):
    id: int


class RequirementIn(Schema):
    kind: str
    width: int | None = None
    height: int | None = None
    count: int = 1
    white_background: bool | None = None


class BriefIn(Schema):
    product_id: int
    title: str
    requirements: list[RequirementIn]
    reference_urls: list[str] = []
    copy_points: str = ""
    due_on: ShopDate | None = None
    assignee_id: int | None = None


class DraftOut(Schema):
    id: int
    kind: str
    url: str
    width: int
    height: int
    size_bytes: int
    status: str
    product_image_id: int | None


class CommentOut(Schema):
    author: str
    body: str
    action: str
    created_at: str


class BriefOut(Schema):
    id: int
    product_id: int
    product: str
    title: str
    requirements: list[dict]
    reference_urls: list[str]
    copy_points: str
    due_on: date | None
    assignee: str | None
    status: str
    allowed_actions: list[str]
    drafts: list[DraftOut]
    comments: list[CommentOut]


class ActionIn(Schema):
    comment: str = ""
    draft_ids: list[int] = []


class CommentIn(Schema):
    body: str


class ExperimentIn(Schema):
    product_id: int
    image_ids: list[int]


class ArmOut(Schema):
    index: int
    product_image_id: int
    impressions: int
    clicks: int
    ctr: float


class ExperimentOut(Schema):
    id: int
    product_id: int
    status: str
    started_at: str
    ended_at: str | None
    arms: list[ArmOut]
    p_value: float
    verdict: str
    suggested_winner: int | None


class ApplyIn(Schema):
    arm: int | None = None


def _brief_out(user, brief, *, full: bool = True) -> dict:
    drafts = list(brief.drafts.all()) if full else []
    return {
        "id": brief.pk,
        "product_id": brief.product_id,
        "product": brief.product.name,
        "title": brief.title,
        "requirements": brief.requirements,
        "reference_urls": brief.reference_urls,
        "copy_points": brief.copy_points,
        "due_on": brief.due_on,
        "assignee": brief.assignee.get_username() if brief.assignee else None,
        "status": brief.status,
        "allowed_actions": allowed_actions(brief.status, services.sides_of(user, brief)),
        "drafts": [
            {
                "id": d.pk,
                "kind": d.kind,
                "url": d.image.url,
                "width": d.width,
                "height": d.height,
                "size_bytes": d.size_bytes,
                "status": d.status,
                "product_image_id": d.product_image_id,
            }
            for d in drafts
        ],
        "comments": [
            {
                "author": c.author.get_username() if c.author else "",
                "body": c.body,
                "action": c.action,
                "created_at": c.created_at.isoformat(),
            }
            for c in brief.comments.select_related("author")
        ]
        if full
        else [],
    }


def _experiment_out(experiment) -> dict:
    figures = queries.experiment_figures(experiment)
    verdict = figures["verdict"]
    return {
        "id": experiment.pk,
        "product_id": experiment.product_id,
        "status": experiment.status,
        "started_at": experiment.started_at.isoformat(),
        "ended_at": experiment.ended_at.isoformat() if experiment.ended_at else None,
        "arms": [
            {
                "index": row["arm"].index,
                "product_image_id": row["arm"].product_image_id,
                "impressions": row["figures"].impressions,
                "clicks": row["figures"].clicks,
                "ctr": round(row["figures"].ctr, 6),
            }
            for row in figures["arms"]
        ],
        "p_value": round(verdict.p_value, 6),
        "verdict": verdict.reason,
        "suggested_winner": verdict.winner,
    }


@router.get(
    "/design/briefs",
    response={200: list[BriefOut], 403: Problem},
    summary="Design briefs (a designer: those assigned to them; max 200)",
)
def list_briefs(request, status: str = "", limit: int = 100, offset: int = 0):
    require_perm(request.user, roles.WORK_ON_BRIEFS)
    return [
        _brief_out(request.user, b, full=False)
        for b in queries.list_briefs(request.user, status=status, limit=limit, offset=offset)
    ]


@router.post("/design/briefs", response={201: Created, 403: Problem, 422: Problem}, summary="Brief the designer")
def create_brief(request, payload: BriefIn):
    require_perm(request.user, roles.MANAGE_BRIEFS)
    brief = services.create_brief(
        actor=request.user,
        product_id=payload.product_id,
        title=payload.title,
        requirements=[r.dict() for r in payload.requirements],
        reference_urls=payload.reference_urls,
        copy_points=payload.copy_points,
        due_on=payload.due_on,
        assignee_id=payload.assignee_id,
    )
    return Status(201, {"id": brief.pk})


@router.get(
    "/design/briefs/{brief_id}",
    response={200: BriefOut, 403: Problem, 404: Problem},
    summary="A brief with its drafts and comments",
)
def get_brief(request, brief_id: int):
    require_perm(request.user, roles.WORK_ON_BRIEFS)
    return _brief_out(request.user, queries.get_brief(request.user, brief_id))


@router.post(
    "/design/briefs/{brief_id}/drafts",
    response={201: Created, 403: Problem, 404: Problem, 409: Problem, 413: Problem, 422: Problem},
    summary="Upload a draft (checked: type, pixel size, ratio, weight, white background)",
)
def upload_draft(request, brief_id: int, file: File[UploadedFile], kind: Form[str]):
    require_perm(request.user, roles.WORK_ON_BRIEFS)
    brief = queries.get_brief(request.user, brief_id)
    draft = services.upload_draft(actor=request.user, brief=brief, kind=kind, upload=file)
    return Status(201, {"id": draft.pk})


@router.post(
    "/design/briefs/{brief_id}/comments",
    response={201: Created, 403: Problem, 404: Problem, 422: Problem},
    summary="Comment on a brief",
)
def comment(request, brief_id: int, payload: CommentIn):
    require_perm(request.user, roles.WORK_ON_BRIEFS)
    brief = queries.get_brief(request.user, brief_id)
    return Status(201, {"id": services.comment_on_brief(actor=request.user, brief=brief, body=payload.body).pk})


@router.post(
    "/design/briefs/{brief_id}/{action}",
    response={200: BriefOut, 403: Problem, 404: Problem, 409: Problem, 422: Problem},
    summary="submit / approve / request_changes / apply / cancel",
)
def act(request, brief_id: int, action: str, payload: ActionIn):
    require_perm(request.user, roles.WORK_ON_BRIEFS)
    brief = queries.get_brief(request.user, brief_id)
    services.act_on_brief(
        actor=request.user, brief=brief, action=action, comment=payload.comment, draft_ids=payload.draft_ids
    )
    return _brief_out(request.user, queries.get_brief(request.user, brief_id))


@router.get(
    "/design/experiments", response={200: list[ExperimentOut], 403: Problem}, summary="Main-image A/B tests (max 200)"
)
def list_experiments(request, product_id: int | None = None, limit: int = 50):
    require_perm(request.user, roles.RUN_EXPERIMENTS)
    return [_experiment_out(e) for e in queries.list_experiments(product_id=product_id, limit=min(limit, 50))]


@router.post(
    "/design/experiments",
    response={201: Created, 403: Problem, 409: Problem, 422: Problem},
    summary="Start a main-image A/B test on two or more of a product's images",
)
def start_experiment(request, payload: ExperimentIn):
    require_perm(request.user, roles.RUN_EXPERIMENTS)
    experiment = services.start_experiment(
        actor=request.user, product_id=payload.product_id, image_ids=payload.image_ids
    )
    return Status(201, {"id": experiment.pk})


@router.get(
    "/design/experiments/{experiment_id}",
    response={200: ExperimentOut, 403: Problem, 404: Problem},
    summary="An A/B test: impressions, clicks and CTR per image, p-value, suggested winner",
)
def get_experiment(request, experiment_id: int):
    require_perm(request.user, roles.RUN_EXPERIMENTS)
    return _experiment_out(queries.get_experiment(experiment_id))


@router.post(
    "/design/experiments/{experiment_id}/stop",
    response={200: ExperimentOut, 403: Problem, 404: Problem, 409: Problem},
    summary="Stop an A/B test",
)
def stop_experiment(request, experiment_id: int):
    require_perm(request.user, roles.RUN_EXPERIMENTS)
    experiment = services.stop_experiment(actor=request.user, experiment=queries.get_experiment(experiment_id))
    return _experiment_out(queries.get_experiment(experiment.pk))


@router.post(
    "/design/experiments/{experiment_id}/apply",
    response={200: ExperimentOut, 403: Problem, 404: Problem, 409: Problem},
    summary="Make the winner (suggested, or the arm given) the product's main image",
)
def apply_winner(request, experiment_id: int, payload: ApplyIn):
    require_perm(request.user, roles.RUN_EXPERIMENTS)
    experiment = services.apply_experiment_winner(
        actor=request.user, experiment=queries.get_experiment(experiment_id), arm_index=payload.arm
    )
    return _experiment_out(queries.get_experiment(experiment.pk))
