"""Use cases of the designer's desk and the main-image A/B test.

Brief status changes only through `act_on_brief` (a conditional UPDATE on the old status, so two
people acting at once cannot both win); approved images reach the product only through
catalog.services.add_product_image / update_product_images."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dianpu.accounts.domain import roles
from dianpu.audit.services import record_audit
from dianpu.catalog.models import Product, ProductImage
from dianpu.catalog.services import add_product_image, update_product_images
from dianpu.core import clock
from dianpu.core.errors import ConflictError, DomainError, NotFoundError
from dianpu.core.sanitize import clean_text
from dianpu.core.uploads import UploadLimits, read_upload

from . import queries
from .domain.images import KINDS, ImageFacts, check_image, requirement_for, requirement_from
from .domain.states import DRAFTS_ALLOWED, SIDE_OF_ACTION, Action, Side, next_status
from .imaging import NotAnImage, TooManyPixels, measure
from .messages import MESSAGES
from .models import Brief, Comment, Draft, Experiment, ExperimentArm, ReferenceImage

MB = 1024 * 1024
DRAFT_LIMITS = UploadLimits(max_bytes=10 * MB)  # refused before reading; each kind has its own weight limit
REFERENCE_LIMITS = UploadLimits(max_bytes=5 * MB)


def _error(code: str, status: int = 422, **extra: Any) -> DomainError:
    text = str(MESSAGES[code])
    return DomainError(text % extra if extra and "%(" in text else text, code=code, status=status, **extra)


def _check_url(url: str) -> str:
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > 500:
        raise _error("url_invalid")
    return url


def sides_of(user: User | AnonymousUser, brief: Brief | None = None) -> set[str]:
    sides: set[str] = set()
    if user.has_perm(roles.MANAGE_BRIEFS):
        sides.add(Side.OPERATOR.value)
    if user.has_perm(roles.WORK_ON_BRIEFS) and (
        brief is None or brief.assignee_id == user.pk or user.has_perm(roles.MANAGE_BRIEFS)
    ):
        sides.add(Side.DESIGNER.value)
    return sides


def _designer(assignee_id: int | str | None) -> User | None:
    if not assignee_id:
        return None
    user: User | None = next((u for u in queries.list_designers(limit=500) if u.pk == int(assignee_id)), None)
    if user is None:
        raise _error("assignee_not_designer")
    return user


def create_brief(
    *,
    actor: User,
    product_id: int,
    title: str,
    requirements: list[dict[str, Any]],
    reference_urls: Sequence[str] = (),
    copy_points: str = "",
    due_on: date | None = None,
    assignee_id: int | None = None,
    reference_files: Sequence[Any] = (),
) -> Brief:
    """A brief for the designer. `requirements`: [{"kind", "width"?, "height"?, "count"?, "white_background"?}]."""
    title = clean_text(title or "")[:200]
    if not title:
        raise _error("title_required")
    product = Product.objects.filter(pk=product_id or 0).first()
    if product is None:
        raise _error("product_required")
    if not requirements:
        raise _error("requirements_required")
    try:
        needs = [
            requirement_for(
                str(r.get("kind")),
                width=r.get("width"),
                height=r.get("height"),
                count=r.get("count") or 1,
                white_background=r.get("white_background"),
            )
            for r in requirements
        ][:10]
    except (KeyError, ValueError, TypeError, AttributeError):
        raise _error("requirement_invalid") from None
    urls = [_check_url(u) for u in reference_urls if (u or "").strip()][:20]
    assignee = _designer(assignee_id)
    files = [read_upload(f, REFERENCE_LIMITS) for f in reference_files][:10]
    for data in files:
        _measure(data)
    now = clock.now()
    with transaction.atomic():
        brief = Brief.objects.create(
            product=product,
            title=title,
            requirements=[n.as_dict() for n in needs],
            reference_urls=urls,
            copy_points=clean_text_block(copy_points),
            due_on=due_on or None,
            assignee=assignee,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        for number, (upload, data) in enumerate(zip(reference_files, files, strict=True), start=1):
            ref = ReferenceImage(brief=brief)
            ref.image.save(
                f"brief{brief.pk}-ref{number}.{_ext(getattr(upload, 'name', ''))}", ContentFile(data), save=True
            )
        record_audit(
            actor=actor,
            action="design.brief_created",
            obj=brief,
            changes={"title": (None, title), "assignee": (None, assignee.username if assignee else "")},
        )
    return brief


def clean_text_block(text: str) -> str:
    """Multi-line plain text: each line cleaned, at most 4000 characters."""
    return "\n".join(clean_text(line) for line in (text or "").splitlines())[:4000].strip()


def _ext(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else "jpg"
    return ext if ext in {"jpg", "jpeg", "png", "webp"} else "jpg"


def _measure(data: bytes) -> ImageFacts:
    try:
        return measure(data)
    except TooManyPixels as exc:
        raise _error("image_too_big_pixels", width=exc.width, height=exc.height) from None
    except NotAnImage:
        raise _error("image_unreadable") from None


def check_draft(brief: Brief, kind: str, data: bytes) -> ImageFacts:
    """The draft's facts, or a DomainError naming every problem (in the user's language)."""
    need = next((requirement_from(r) for r in brief.requirements if r.get("kind") == kind), None)
    if need is None:
        raise _error("kind_not_in_brief")
    facts = _measure(data)
    problems = check_image(facts, need)
    if problems:
        texts = [str(MESSAGES[p.code]) % p.params for p in problems]
        raise DomainError(
            " ".join(texts),
            code=problems[0].code,
            status=422,
            problems=[{"code": p.code, "detail": t} for p, t in zip(problems, texts, strict=True)],
        )
    return facts


def upload_draft(*, actor: User, brief: Brief, kind: str, upload: "UploadedFile[bytes]") -> Draft:
    """The designer's draft: size-checked before it is read, then measured and checked against the brief."""
    if Side.DESIGNER.value not in sides_of(actor, brief):
        raise _error("not_your_brief", status=403)
    if brief.status not in DRAFTS_ALLOWED:
        raise _error("drafts_closed", status=409)
    data = read_upload(upload, DRAFT_LIMITS)
    facts = check_draft(brief, kind, data)
    with transaction.atomic():
        draft = Draft(
            brief=brief,
            kind=kind,
            width=facts.width,
            height=facts.height,
            size_bytes=facts.size_bytes,
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        number = brief.drafts.count() + 1
        draft.image.save(
            f"brief{brief.pk}-{kind}-{number}.{_ext(getattr(upload, 'name', ''))}", ContentFile(data), save=True
        )
        Brief.objects.filter(pk=brief.pk).update(updated_at=clock.now())
        record_audit(
            actor=actor, action="design.draft_uploaded", obj=brief, changes={"draft": (None, draft.image.name)}
        )
    return draft


def comment_on_brief(*, actor: User, brief: Brief, body: str) -> Comment:
    body = clean_text_block(body)
    if not body:
        raise _error("comment_required")
    if not sides_of(actor, brief):
        raise _error("not_your_brief", status=403)
    return Comment.objects.create(brief=brief, author=actor, body=body, created_at=clock.now())


@transaction.atomic
def act_on_brief(
    *, actor: User, brief: Brief, action: str, comment: str = "", draft_ids: list[int] | None = None
) -> Brief:
    """Move a brief along its status machine. Approve: the drafts named (all, when none are named)
    are approved and the rest not used. Apply: the approved drafts become the product's images."""
    target = next_status(brief.status, action)
    if target is None:
        raise _error("action_not_allowed", status=409)
    side = SIDE_OF_ACTION[Action(action)]
    if side.value not in sides_of(actor, brief):
        raise _error("not_your_brief", status=403)
    drafts = list(brief.drafts.all())
    if action == Action.SUBMIT and not any(d.status == Draft.State.SUBMITTED for d in drafts):
        raise _error("no_drafts")
    if action == Action.APPLY and not any(d.status == Draft.State.APPROVED for d in drafts):
        raise _error("nothing_approved")
    old = brief.status
    moved = Brief.objects.filter(pk=brief.pk, status=old).update(status=target, updated_at=clock.now())
    if not moved:
        raise ConflictError(MESSAGES["action_not_allowed"], code="action_not_allowed")
    if action == Action.APPROVE:
        chosen = {d.pk for d in drafts if d.status == Draft.State.SUBMITTED and (not draft_ids or d.pk in draft_ids)}
        if not chosen:
            raise _error("nothing_approved")
        brief.drafts.filter(pk__in=chosen).update(status=Draft.State.APPROVED)
        brief.drafts.filter(status=Draft.State.SUBMITTED).exclude(pk__in=chosen).update(status=Draft.State.REJECTED)
    if action == Action.REQUEST_CHANGES:
        brief.drafts.filter(status=Draft.State.SUBMITTED).update(status=Draft.State.REJECTED)
    if action == Action.APPLY:
        _apply_drafts(actor, brief)
    text = clean_text_block(comment)
    if text or action == Action.REQUEST_CHANGES:
        if not text:
            raise _error("comment_required")
        Comment.objects.create(brief=brief, author=actor, body=text, action=action, created_at=clock.now())
    record_audit(actor=actor, action=f"design.brief_{action}", obj=brief, changes={"status": (old, target.value)})
    brief.status = target.value
    return brief


def _apply_drafts(actor: User, brief: Brief) -> None:
    """Approved drafts onto the product: a main image first (the product's new main image), the
    others after the images it has."""
    product = brief.product
    approved = list(brief.drafts.filter(status=Draft.State.APPROVED, product_image__isnull=True).order_by("id"))
    main_ids = []
    for draft in approved:
        with draft.image.open("rb") as handle:
            data = handle.read()
        image = add_product_image(
            actor=actor,
            product=product,
            filename=(draft.image.name or "").rsplit("/", 1)[-1],
            data=data,
            alt_text=f"{product.name} {product.name_en}".strip(),
        )
        Draft.objects.filter(pk=draft.pk).update(product_image=image)
        if draft.kind == "main":
            main_ids.append(image.pk)
    if main_ids:
        update_product_images(actor=actor, product=product, order=main_ids)


def apply_brief_images(*, actor: User, brief: Brief) -> Brief:
    return act_on_brief(actor=actor, brief=brief, action=Action.APPLY)


# --- Main-image A/B test -------------------------------------------------------------------------


@transaction.atomic
def start_experiment(*, actor: User, product_id: int, image_ids: list[int]) -> Experiment:
    product = Product.objects.filter(pk=product_id or 0).first()
    if product is None:
        raise _error("product_required")
    ids = list(dict.fromkeys(int(i) for i in image_ids))[:6]
    images = {i.pk: i for i in ProductImage.objects.filter(product=product, pk__in=ids)}
    if len(images) < 2:
        raise _error("experiment_needs_images")
    try:
        with transaction.atomic():
            experiment = Experiment.objects.create(product=product, started_at=clock.now(), created_by=actor)
    except IntegrityError:
        raise _error("experiment_running", status=409) from None
    ExperimentArm.objects.bulk_create(
        [
            ExperimentArm(experiment=experiment, index=n, product_image=images[pk])
            for n, pk in enumerate(pk for pk in ids if pk in images)
        ]
    )
    record_audit(
        actor=actor,
        action="design.experiment_started",
        obj=experiment,
        changes={"product": (None, product.slug), "images": (None, ", ".join(map(str, images)))},
    )
    return experiment


@transaction.atomic
def stop_experiment(*, actor: User, experiment: Experiment) -> Experiment:
    moved = Experiment.objects.filter(pk=experiment.pk, status=Experiment.State.RUNNING).update(
        status=Experiment.State.STOPPED, ended_at=clock.now()
    )
    if not moved:
        raise _error("experiment_not_running", status=409)
    record_audit(actor=actor, action="design.experiment_stopped", obj=experiment)
    experiment.refresh_from_db()
    return experiment


@transaction.atomic
def apply_experiment_winner(*, actor: User, experiment: Experiment, arm_index: int | None = None) -> Experiment:
    """Make the winning image the product's main image (the suggested winner, or the arm chosen),
    and end the experiment. One click on the experiment's page."""
    if experiment.status == Experiment.State.APPLIED:
        raise _error("experiment_not_running", status=409)
    arms = list(experiment.arms.all())
    if arm_index is None:
        winner = queries.experiment_figures(experiment)["winner"]
        if winner is None:
            raise _error("no_winner", status=409)
    else:
        winner = next((a for a in arms if a.index == int(arm_index)), None)
        if winner is None:
            raise NotFoundError(MESSAGES["experiment_not_found"], code="experiment_not_found")
    moved = Experiment.objects.filter(pk=experiment.pk, status=experiment.status).update(
        status=Experiment.State.APPLIED, winner=winner, ended_at=experiment.ended_at or clock.now()
    )
    if not moved:
        raise ConflictError(MESSAGES["experiment_not_running"], code="experiment_not_running")
    update_product_images(actor=actor, product=experiment.product, order=[winner.product_image_id])
    record_audit(
        actor=actor,
        action="design.experiment_applied",
        obj=experiment,
        changes={"main_image": (None, str(winner.product_image_id))},
    )
    experiment.refresh_from_db()
    return experiment


def kind_choices() -> list[tuple[str, object]]:
    from .messages import KIND_LABELS

    return [(code, KIND_LABELS.get(code, code)) for code in KINDS]


def describe_status(status: str) -> str:
    return str(dict(Brief.State.choices).get(status, status)) or _("未知")
