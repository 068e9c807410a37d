"""Staff campaign endpoints (owner or marketing: marketing.manage_marketing)."""

from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Router, Schema, Status

from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles

from . import queries, services

router = Router(tags=["marketing"], auth=StaffToken())


class CampaignIn(Schema):
    name: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    budget: Decimal = Decimal("0")
    sales_goal: Decimal = Decimal("0")
    products: list[str] = []
    promotions: list[int] = []
    utm_campaign: str = ""
    notes: str = ""


class CampaignTemplateIn(Schema):
    template: str
    year: int
    budget: Decimal = Decimal("0")
    sales_goal: Decimal = Decimal("0")
    products: list[str] = []


class CampaignOut(Schema):
    id: int
    name: str
    template: str
    status: str
    starts_at: datetime
    ends_at: datetime
    budget: Decimal
    sales_goal: Decimal
    utm_campaign: str
    promotions: list[int]


class CampaignLive(Schema):
    id: int
    status: str
    sales: Decimal
    orders: int
    units: int
    attainment: Decimal | None
    promotion_cost: Decimal
    budget_used: Decimal | None
    suggestions: list[str]
    running_out: list[dict]
    top_products: list[dict]


class Problem(Schema):
    code: str
    detail: str


def _aware(value):
    return timezone.make_aware(value) if value is not None and timezone.is_naive(value) else value


def campaign_out(c) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "template": c.template,
        "status": queries.campaign_status(c),
        "starts_at": c.starts_at,
        "ends_at": c.ends_at,
        "budget": c.budget,
        "sales_goal": c.sales_goal,
        "utm_campaign": c.utm_campaign,
        "promotions": list(c.promotions.values_list("id", flat=True)),
    }


@router.get("/campaigns", response=list[CampaignOut], summary="The campaign calendar")
def list_campaigns(request):
    require_perm(request.user, roles.MANAGE_MARKETING)
    return [campaign_out(c) for c in queries.list_campaigns()]


@router.post("/campaigns", response={201: CampaignOut, 403: Problem, 422: Problem})
def create_campaign(request, payload: CampaignIn):
    require_perm(request.user, roles.MANAGE_MARKETING)
    c = services.create_campaign(
        name=payload.name,
        starts_at=_aware(payload.starts_at),
        ends_at=_aware(payload.ends_at),
        budget=payload.budget,
        sales_goal=payload.sales_goal,
        product_slugs=payload.products,
        promotion_ids=payload.promotions,
        utm_campaign=payload.utm_campaign,
        notes=payload.notes,
        actor=request.user,
    )
    return Status(201, campaign_out(c))


@router.post(
    "/campaigns/from-template",
    response={201: CampaignOut, 403: Problem, 422: Problem},
    summary="A festival campaign (618, double11, double12, nianhuo, black_friday) with its promotions",
)
def create_from_template(request, payload: CampaignTemplateIn):
    require_perm(request.user, roles.MANAGE_MARKETING)
    c = services.create_campaign_from_template(
        code=payload.template,
        year=payload.year,
        budget=payload.budget,
        sales_goal=payload.sales_goal,
        product_slugs=payload.products,
        actor=request.user,
    )
    return Status(201, campaign_out(c))


@router.get("/campaigns/{campaign_id}/live", response={200: CampaignLive, 404: Problem})
def campaign_live(request, campaign_id: int):
    require_perm(request.user, roles.MANAGE_MARKETING)
    live = queries.get_campaign_live(queries.get_campaign(campaign_id))
    return {
        "id": campaign_id,
        **{
            k: live[k]
            for k in (
                "status",
                "sales",
                "orders",
                "units",
                "attainment",
                "promotion_cost",
                "budget_used",
                "suggestions",
                "running_out",
            )
        },
        "top_products": [{k: str(v) for k, v in row.items()} for row in live["top_products"]],
    }


# --- traffic and spend --------------------------------------------------------------------------


class UtmIn(Schema):
    base_url: str
    source: str
    medium: str
    campaign: str
    content: str = ""
    term: str = ""


class AffiliateIn(Schema):
    code: str
    name: str
    commission_rate: Decimal
    coupon: str = ""


class RangeIn(Schema):
    start: datetime
    end: datetime


@router.post("/utm-links", response={200: dict, 422: dict}, summary="Build a tracked link (utm_source/medium/campaign)")
def build_utm_link(request, payload: UtmIn):
    from dianpu.core.errors import ValidationFailed

    from .domain.traffic import build_utm_url
    from .messages import FIELD_ERRORS

    require_perm(request.user, roles.MANAGE_MARKETING)
    url, errors = build_utm_url(
        payload.base_url,
        source=payload.source,
        medium=payload.medium,
        campaign=payload.campaign,
        content=payload.content,
        term=payload.term,
    )
    if errors:
        raise ValidationFailed({k: str(FIELD_ERRORS[v]) for k, v in errors.items()})
    return {"url": url}


@router.post("/ad-spend", response={200: dict, 422: dict}, summary="Import ad spend (CSV or XLSX in the body)")
def import_ad_spend(request, filename: str = "spend.csv"):
    from dianpu.core.uploads import check_request_size

    from .traffic import UPLOAD_LIMITS
    from .traffic import import_ad_spend as run_import

    require_perm(request.user, roles.MANAGE_MARKETING)
    check_request_size(request, UPLOAD_LIMITS)
    return {"rows": run_import(content=request.body, filename=filename, actor=request.user)}


@router.get(
    "/reports/channels", response=list[dict], summary="Orders, revenue, spend, ROAS, cost per order per channel"
)
def channel_report(request, start: datetime, end: datetime):
    from .traffic import report_channels

    require_perm(request.user, roles.MANAGE_MARKETING)
    return [
        {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}
        for row in report_channels(_aware(start), _aware(end))
    ]


@router.post("/affiliates", response={201: dict, 422: dict})
def create_affiliate(request, payload: AffiliateIn):
    from .traffic import create_affiliate as run

    require_perm(request.user, roles.MANAGE_MARKETING)
    a = run(
        code=payload.code,
        name=payload.name,
        commission_rate=payload.commission_rate,
        coupon_code=payload.coupon,
        actor=request.user,
    )
    return Status(201, {"code": a.code, "name": a.name, "commission_rate": str(a.commission_rate)})


@router.get("/affiliates/commissions", response=list[dict], summary="Orders, goods paid and commission per affiliate")
def commission_report(request, start: datetime, end: datetime):
    from .traffic import report_commissions

    require_perm(request.user, roles.MANAGE_MARKETING)
    return [
        {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}
        for row in report_commissions(_aware(start), _aware(end))
    ]


# --- e-mail campaigns ---------------------------------------------------------------------------


class EmailCampaignIn(Schema):
    name: str = ""
    subject: str = ""
    subject_en: str = ""
    body: str = ""
    body_en: str = ""
    audience: str = "all"
    recipients: list[str] = []
    scheduled_at: datetime | None = None


@router.get("/email-campaigns", response=list[dict], summary="E-mail campaigns and how many each has sent")
def list_email_campaigns(request):
    from .models import EmailCampaign

    require_perm(request.user, roles.MANAGE_MARKETING)
    return [
        {
            "id": c.pk,
            "name": c.name,
            "subject": c.subject,
            "audience": c.audience,
            "status": c.status,
            "scheduled_at": c.scheduled_at.isoformat(),
            "sent_count": c.sent_count,
        }
        for c in EmailCampaign.objects.all()[:200]
    ]


@router.post(
    "/email-campaigns",
    response={201: dict, 403: Problem, 422: dict},
    summary="Schedule a bilingual e-mail to a segment or a list (sent by the worker)",
)
def schedule_email_campaign(request, payload: EmailCampaignIn):
    from dianpu.core import clock

    from .email_campaigns import schedule_email_campaign as run

    require_perm(request.user, roles.MANAGE_MARKETING)
    c = run(
        name=payload.name,
        subject=payload.subject,
        subject_en=payload.subject_en,
        body=payload.body,
        body_en=payload.body_en,
        audience=payload.audience,
        recipients="\n".join(payload.recipients),
        scheduled_at=_aware(payload.scheduled_at) or clock.now(),
        actor=request.user,
    )
    return Status(201, {"id": c.pk, "status": c.status, "scheduled_at": c.scheduled_at.isoformat()})
