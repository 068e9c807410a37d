"""Customer accounts (sign-up, token, /me: the customer's own token) and the staff's customer
endpoints (list, profile, points, export, erase: staff tokens and role permissions)."""

import json
from decimal import Decimal
from typing import Annotated

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import get_language
from ninja import Query, Router, Schema, Status
from pydantic import Field

from dianpu.accounts import throttling
from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.bounds import PageNumber
from dianpu.core.errors import DomainError
from dianpu.core.http import client_ip

from . import queries, services
from .auth import CustomerToken
from .domain.points import value_of_points
from .messages import MESSAGES
from .schemas import (
    CheckInOut,
    CustomerDetail,
    CustomerList,
    ErasedOut,
    ExchangeIn,
    MemberCouponOut,
    MeOut,
    OutreachIn,
    OutreachList,
    OutreachOut,
    PhoneCodeIn,
    PhoneCodeOut,
    PhoneSignUpIn,
    PhoneTokenIn,
    PointsIn,
    PointsOfferList,
    PointsOut,
    Problem,
    SegmentIn,
    SegmentList,
    SegmentOut,
    SignUpIn,
    SignUpOut,
    TokenIn,
    TokenOut,
)

router = Router(tags=["customers"])


def _tier_name(code: str) -> str:
    names = queries.tier_names().get(code)
    if not names:
        return ""
    return names[1] if (get_language() or "").startswith("en") else names[0]


def _orders_out(orders) -> list[dict]:
    return [{"number": o.number, "status": o.status, "total": o.grand_total, "placed_at": o.placed_at} for o in orders]


@router.post(
    "/accounts/signup",
    response={201: SignUpOut, 422: Problem},
    summary="Open a customer account; the e-mail is verified by a signed link (422 email_taken)",
)
def sign_up(request, payload: SignUpIn):
    customer = services.sign_up(
        email=payload.email,
        password=payload.password,
        name=payload.name,
        phone=payload.phone,
        language=get_language() or "zh-hans",
        consent_email=payload.consent_email,
        consent_sms=payload.consent_sms,
    )
    return Status(
        201,
        {
            "id": customer.pk,
            "email": customer.email,
            "name": customer.name,
            "email_verified": customer.email_verified_at is not None,
        },
    )


@router.post(
    "/accounts/token",
    response={200: TokenOut, 401: Problem, 429: Problem},
    summary="A customer token for e-mail (or mobile) and password (401 sign_in_failed)",
)
def token(request, payload: TokenIn):
    ip = client_ip(request)
    if throttling.is_customer_sign_in_refused(payload.email, ip):
        raise DomainError(str(MESSAGES["too_many_attempts"]), code="too_many_attempts", status=429)
    try:
        customer = services.authenticate_customer(payload.email, payload.password)
    except DomainError:
        throttling.record_customer_sign_in_failure(payload.email, ip)
        raise
    throttling.record_customer_sign_in_success(payload.email)
    return {"token": services.issue_customer_token(customer)}


@router.post(
    "/accounts/phone-code",
    response={202: PhoneCodeOut, 422: Problem, 429: Problem, 502: Problem},
    summary="Text a one-time code to a mobile number, to sign up (sign_up) or sign in (sign_in) with it",
)
def phone_code(request, payload: PhoneCodeIn):
    from .phone_codes import request_code

    sent = request_code(payload.phone, payload.purpose, client_ip(request))
    return Status(202, {"expires_in": sent.expires_in, "resend_after": sent.resend_after})


@router.post(
    "/accounts/signup-phone",
    response={201: SignUpOut, 422: Problem},
    summary="Open a customer account with a mobile number and its SMS code (422 phone_taken, code_invalid)",
)
def sign_up_phone(request, payload: PhoneSignUpIn):
    from .phone_codes import sign_up_by_phone

    customer = sign_up_by_phone(
        phone=payload.phone,
        code=payload.code,
        password=payload.password,
        name=payload.name,
        language=get_language() or "zh-hans",
        consent_sms=payload.consent_sms,
    )
    return Status(
        201, {"id": customer.pk, "email": customer.shown_email, "name": customer.name, "email_verified": False}
    )


@router.post(
    "/accounts/token-phone",
    response={200: TokenOut, 401: Problem, 422: Problem},
    summary="A customer token for a mobile number and its SMS code (422 code_invalid)",
)
def token_phone(request, payload: PhoneTokenIn):
    from .phone_codes import sign_in_by_code

    return {"token": services.issue_customer_token(sign_in_by_code(phone=payload.phone, code=payload.code))}


def _coupons_out(customer) -> list[dict]:
    return [
        {
            "code": c.code,
            "name": c.name,
            "source": c.source,
            "amount": c.amount,
            "min_spend": c.min_spend,
            "ends_at": c.ends_at,
        }
        for c in queries.member_coupons(customer)
    ]


@router.post(
    "/me/check-in",
    response={201: CheckInOut, 401: Problem, 409: Problem},
    auth=CustomerToken(),
    summary="Today's check-in (每日签到): points, more on every 7th day in a row (409 check_in_done)",
)
def check_in(request):
    from .rewards import check_in as do_check_in

    result = do_check_in(request.auth)
    from .models import Customer

    balance = Customer.objects.filter(pk=request.auth.pk).values_list("points_balance", flat=True).get()
    return Status(201, {**result, "balance": balance})


@router.get(
    "/me/points-offers",
    response={200: PointsOfferList, 401: Problem},
    auth=CustomerToken(),
    summary="The coupons points can be exchanged for",
)
def points_offers(request):
    from .rewards import active_offers

    english = (get_language() or "").startswith("en")
    return {
        "items": [
            {
                "id": o.pk,
                "name": o.name_en if english and o.name_en else o.name,
                "points": o.points,
                "coupon_amount": o.coupon_amount,
                "coupon_min_spend": o.coupon_min_spend,
                "valid_days": o.valid_days,
            }
            for o in active_offers()
        ]
    }


@router.post(
    "/me/points-exchange",
    response={201: MemberCouponOut, 401: Problem, 404: Problem, 422: Problem},
    auth=CustomerToken(),
    summary="Exchange points for a coupon (422 points_insufficient)",
)
def points_exchange(request, payload: ExchangeIn):
    from .rewards import exchange_points

    c = exchange_points(customer=request.auth, offer_id=payload.offer_id)
    return Status(
        201,
        {
            "code": c.code,
            "name": c.name,
            "source": c.source,
            "amount": c.amount,
            "min_spend": c.min_spend,
            "ends_at": c.ends_at,
        },
    )


@router.get(
    "/me",
    response={200: MeOut, 401: Problem},
    auth=CustomerToken(),
    summary="The signed-in customer: tier, points and orders (customer token)",
)
def me(request):
    customer = request.auth
    return {
        "email": customer.shown_email,
        "name": customer.name,
        "phone": customer.phone,
        "phone_verified": customer.phone_verified_at is not None,
        "check_in_streak": customer.check_in_streak,
        "coupons": _coupons_out(customer),
        "email_verified": customer.email_verified_at is not None,
        "tier": customer.tier,
        "tier_name": _tier_name(customer.tier),
        "points": customer.points_balance,
        "points_value": value_of_points(customer.points_balance, settings.POINTS_PER_YUAN),
        "consent_email": customer.consent_email,
        "consent_sms": customer.consent_sms,
        "orders": _orders_out(queries.visible_orders(customer)),
    }


# --- staff ----------------------------------------------------------------------------------------


class CustomerFilters(Schema):
    search: str = ""
    tier: str = ""
    segment: str = ""
    page: PageNumber = 1
    page_size: Annotated[int, Field(ge=1, le=200)] = 50


def _customer_out(c, user) -> dict:
    may_see = user.has_perm(roles.VIEW_CONTACT)
    return {
        "id": c.pk,
        "email": c.email,
        "name": c.name,
        "phone": queries.shown_phone(c.phone, may_see),
        "tier": c.tier,
        "points": c.points_balance,
        "orders_count": c.orders_count or 0,
        "total_spent": c.total_spent or Decimal("0.00"),
        "last_order_at": c.last_order_at,
        "segments": c.segments or [],
        "tags": c.tags or [],
        "has_account": c.has_account,
    }


@router.get(
    "/customers",
    response={200: CustomerList, 401: Problem, 403: Problem},
    auth=StaffToken(),
    summary="Customers by name, e-mail, phone or order number (owner, operator, marketing, agent)",
)
def list_customers(request, filters: Query[CustomerFilters]):
    require_perm(request.auth, roles.VIEW_CUSTOMERS)
    rows, count = queries.list_customers(
        search=filters.search,
        tier=filters.tier,
        segment=filters.segment,
        page=filters.page,
        page_size=filters.page_size,
    )
    return {"items": [_customer_out(c, request.auth) for c in rows], "count": count}


@router.get(
    "/customers/{customer_id}",
    response={200: CustomerDetail, 401: Problem, 403: Problem, 404: Problem},
    auth=StaffToken(),
    summary="A customer's profile: addresses, points history, orders",
)
def get_customer(request, customer_id: int):
    require_perm(request.auth, roles.VIEW_CUSTOMERS)
    c = queries.get_customer(customer_id)
    may_see = request.auth.has_perm(roles.VIEW_CONTACT)
    addresses = [
        {
            "name": a.name,
            "phone": queries.shown_phone(a.phone, may_see),
            "country": a.country,
            "province": a.province,
            "city": a.city,
            "district": a.district if may_see else "",
            "line1": a.line1 if may_see else "****",
            "line2": a.line2 if may_see else "",
            "postcode": a.postcode if may_see else "",
            "is_default": a.is_default,
        }
        for a in c.addresses.all()
    ]
    return {
        **_customer_out(c, request.auth),
        "language": c.language,
        "created_at": c.created_at,
        "signed_up_at": c.signed_up_at,
        "email_verified": c.email_verified_at is not None,
        "consent_email": c.consent_email,
        "consent_sms": c.consent_sms,
        "note": c.note,
        "addresses": addresses,
        "points_history": [
            {
                "kind": e.kind,
                "delta": e.delta,
                "balance_after": e.balance_after,
                "reference": e.reference,
                "reason": e.reason,
                "created_at": e.created_at,
            }
            for e in queries.list_points_entries(c)
        ],
        "orders": _orders_out(c.orders.order_by("-placed_at", "-id")[:50]),
    }


@router.post(
    "/customers/{customer_id}/points",
    response={201: PointsOut, 401: Problem, 403: Problem, 404: Problem, 422: Problem},
    auth=StaffToken(),
    summary="Add or remove points with a reason (owner, marketing); 422 points_negative",
)
def adjust_points(request, customer_id: int, payload: PointsIn):
    require_perm(request.auth, roles.ADJUST_POINTS)
    customer = queries.get_customer(customer_id)
    balance = services.adjust_points(
        customer=customer, delta=payload.delta, reason=payload.reason, actor=request.auth, ip_address=client_ip(request)
    )
    return Status(201, {"balance": balance})


@router.get(
    "/customers/{customer_id}/export",
    response={200: dict, 401: Problem, 403: Problem, 404: Problem},
    auth=StaffToken(),
    summary="Everything held about a customer, with their orders, as JSON (owner)",
)
def export_customer(request, customer_id: int):
    require_perm(request.auth, roles.MANAGE_PRIVACY)
    customer = queries.get_customer(customer_id)
    data = services.record_privacy_request(
        customer=customer, kind="export", actor=request.auth, ip_address=client_ip(request)
    )
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}.json"'
    return response


@router.post(
    "/customers/{customer_id}/erase",
    response={200: ErasedOut, 401: Problem, 403: Problem, 404: Problem},
    auth=StaffToken(),
    summary="Erase a customer's personal data; orders stay without the person (owner)",
)
def erase_customer(request, customer_id: int):
    require_perm(request.auth, roles.MANAGE_PRIVACY)
    customer = queries.get_customer(customer_id)
    customer = services.erase_customer(customer=customer, actor=request.auth, ip_address=client_ip(request))
    return {"id": customer.pk, "erased_at": customer.erased_at}


@router.get(
    "/customer-segments",
    response={200: SegmentList, 401: Problem, 403: Problem},
    auth=StaffToken(),
    summary="Segments (RFM and from rules) with their customers and revenue",
)
def list_segments(request):
    require_perm(request.auth, roles.VIEW_CUSTOMERS)
    return {"items": queries.list_segment_figures()}


@router.post(
    "/customer-segments",
    response={201: SegmentOut, 401: Problem, 403: Problem, 422: Problem},
    auth=StaffToken(),
    summary="Create or change a rule segment (owner, marketing); members refresh after",
)
def save_segment(request, payload: SegmentIn):
    require_perm(request.auth, roles.MANAGE_MARKETING)
    segment = services.save_segment(
        code=payload.code, name=payload.name, conditions=payload.conditions, actor=request.auth
    )
    figures = next(f for f in queries.list_segment_figures() if f["code"] == segment.code)
    return Status(201, figures)


def _outreach_out(o) -> dict:
    from .outreach import outreach_figures

    return {
        "id": o.pk,
        "name": o.name,
        "channel": o.channel,
        "segment": o.segment,
        "occasion": o.occasion,
        "status": o.status,
        "scheduled_at": o.scheduled_at,
        **outreach_figures(o),
    }


@router.get(
    "/outreach",
    response={200: OutreachList, 401: Problem, 403: Problem},
    auth=StaffToken(),
    summary="Outreach to segments by e-mail and SMS, with sent / delivered / failed figures",
)
def list_outreach(request, page: PageNumber = 1):
    require_perm(request.auth, roles.MANAGE_MARKETING)
    rows, count = queries.list_outreach(page=page)
    return {"items": [_outreach_out(o) for o in rows], "count": count}


@router.post(
    "/outreach",
    response={201: OutreachOut, 401: Problem, 403: Problem, 422: Problem},
    auth=StaffToken(),
    summary="Schedule a message to a segment (e-mail or SMS); sent by the worker outside quiet hours",
)
def create_outreach(request, payload: OutreachIn):
    from django.utils import timezone

    from .outreach import schedule_outreach

    require_perm(request.auth, roles.MANAGE_MARKETING)
    data = payload.dict()
    if data["scheduled_at"] is not None and timezone.is_naive(data["scheduled_at"]):
        data["scheduled_at"] = timezone.make_aware(data["scheduled_at"])
    return Status(201, _outreach_out(schedule_outreach(**data, actor=request.auth)))


@router.get(
    "/surveys/results",
    response={200: dict, 401: Problem, 403: Problem},
    auth=StaffToken(),
    summary="CSAT per product and segment, NPS per period",
)
def survey_results(request):
    from .surveys import survey_results as results

    require_perm(request.auth, roles.VIEW_CUSTOMERS)
    return results()
