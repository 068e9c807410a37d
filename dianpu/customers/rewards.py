"""Rewards (会员权益): points per action (daily check-in with a weekly streak bonus, the first
review, a complete profile), the points exchange (积分兑换 for coupons), the tier's birthday
coupon and the win-back coupon for at-risk customers.

Every reward is once-only by a unique key: the points ledger's (kind, reference) and the member
coupon's (source, reference). A coupon is issued in the same transaction as the points it costs:
the customers app writes its row and publishes MemberCouponIssued; promotions creates the coupon."""

import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dianpu import events
from dianpu.core import clock
from dianpu.core.errors import DomainError

from .domain.points import birthday_in, check_in_points, next_check_in
from .domain.segments import AT_RISK
from .messages import MESSAGES
from .models import Customer, MemberCoupon, MembershipTier, PointsEntry, PointsOffer


def _error(code: str, status: int = 422, **params) -> DomainError:
    text = str(MESSAGES[code])
    return DomainError(text % params if params else text, code=code, status=status)


def _credit(customer_id: int, points: int, reference: str, reason: str) -> int:
    """Points for an action, once per reference; 0 when given already (or the rule is off)."""
    from .services import _move_points

    if points <= 0:
        return 0
    change = _move_points(
        customer_id,
        points,
        kind=PointsEntry.Kind.ACTION,
        reference=reference,
        reason=reason,
        expires_at=clock.now() + timedelta(days=settings.POINTS_EXPIRE_DAYS),
    )
    return change.delta if change else 0


# --- points per action ----------------------------------------------------------------------------


@transaction.atomic
def check_in(customer: Customer) -> dict:
    """Today's check-in (每日签到): once a shop-local day (a conditional UPDATE), with its points."""
    today = timezone.localdate(clock.now())
    row = Customer.objects.filter(pk=customer.pk).values("last_check_in_on", "check_in_streak").get()
    if row["last_check_in_on"] == today:
        raise _error("check_in_done", status=409)
    streak = next_check_in(row["last_check_in_on"], row["check_in_streak"], today)
    if not Customer.objects.filter(pk=customer.pk, last_check_in_on=row["last_check_in_on"]).update(
        last_check_in_on=today, check_in_streak=streak
    ):
        raise _error("check_in_done", status=409)  # a concurrent check-in won
    rules = settings.POINTS_FOR_ACTIONS
    points = _credit(
        customer.pk,
        check_in_points(streak, rules["check_in"], rules["check_in_week"]),
        f"check-in-{today.isoformat()}",
        "check-in",
    )
    return {"streak": streak, "points": points}


def reward_first_review(customer_id: int) -> int:
    """The customer's first review (their first satisfaction answer about an order)."""
    return _credit(customer_id, settings.POINTS_FOR_ACTIONS["first_review"], "first-review", "first review")


def reward_complete_profile(customer: Customer) -> int:
    """Name, mobile number and birthday all given: once."""
    if not (customer.has_account and customer.name and customer.phone and customer.birthday):
        return 0
    return _credit(customer.pk, settings.POINTS_FOR_ACTIONS["profile_complete"], "profile-complete", "profile complete")


# --- member coupons -------------------------------------------------------------------------------


def _issue(
    customer: Customer,
    *,
    source: str,
    reference: str,
    name: str,
    amount: Decimal,
    min_spend: Decimal,
    days: int,
    now: datetime | None = None,
) -> MemberCoupon:
    """Inside the caller's transaction: the customer's row, and the coupon (through the event),
    issued at `now` (the run's time: a run for a given day dates its coupons that day)."""
    now = now or clock.now()
    prefix = {"exchange": "PX", "birthday": "BD", "win_back": "WB"}[source]
    coupon = MemberCoupon.objects.create(
        customer=customer,
        source=source,
        reference=reference[:64],
        code=prefix + secrets.token_hex(5).upper(),
        name=name[:100],
        amount=amount,
        min_spend=min_spend,
        ends_at=now + timedelta(days=days),
        created_at=now,
    )
    events.publish(
        events.MemberCouponIssued(
            customer_id=customer.pk,
            code=coupon.code,
            name=coupon.name,
            amount=amount,
            min_spend=min_spend,
            starts_at=now,
            ends_at=coupon.ends_at,
        )
    )
    return coupon


def active_offers() -> list[PointsOffer]:
    return list(PointsOffer.objects.filter(is_active=True)[:50])


def exchange_points(*, customer: Customer, offer_id: int) -> MemberCoupon:
    """Points for a coupon (积分兑换): the points go and the coupon comes in one transaction; the
    conditional UPDATE of the balance refuses (422 points_insufficient) when the customer does
    not hold them at that moment, so two exchanges racing never leave it below zero."""
    from .services import _move_points

    offer = PointsOffer.objects.filter(pk=offer_id, is_active=True).first()
    if offer is None:
        raise _error("offer_unavailable", status=404)
    english = (customer.language or "").startswith("en")
    with transaction.atomic():
        reference = f"X{offer.pk}-{secrets.token_hex(6)}"
        _move_points(customer.pk, -offer.points, kind=PointsEntry.Kind.EXCHANGE, reference=reference, reason=offer.name)
        return _issue(
            customer,
            source=MemberCoupon.Source.EXCHANGE,
            reference=reference,
            name=(offer.name_en if english and offer.name_en else offer.name),
            amount=offer.coupon_amount,
            min_spend=offer.coupon_min_spend,
            days=offer.valid_days,
        )


def issue_birthday_coupons(today=None) -> int:
    """The worker, daily: the tier's birthday coupon to every account whose birthday is today, once
    a year (the unique (source, year) row), with a notice by e-mail after commit."""
    from .tasks import send_account_email

    today = today or timezone.localdate(clock.now())
    tiers = {t.code: t for t in MembershipTier.objects.filter(birthday_coupon_amount__gt=0)}
    if not tiers:
        return 0
    month, day = today.month, today.day
    born = (
        Customer.objects.filter(erased_at__isnull=True, tier__in=list(tiers), birthday__isnull=False)
        .exclude(password="")
        .filter(birthday__month=month)
    )
    issued = 0
    for customer in born.iterator():
        if birthday_in(today.year, customer.birthday.month, customer.birthday.day) != (month, day):
            continue
        tier = tiers[customer.tier]
        try:
            with transaction.atomic():
                _issue(
                    customer,
                    source=MemberCoupon.Source.BIRTHDAY,
                    reference=str(today.year),
                    name=(
                        f"{tier.name_en} birthday coupon"
                        if (customer.language or "").startswith("en")
                        else f"{tier.name}生日券"
                    ),
                    amount=tier.birthday_coupon_amount,
                    min_spend=tier.birthday_coupon_min_spend,
                    days=30,
                )
                if customer.has_email:
                    transaction.on_commit(lambda cid=customer.pk: send_account_email(cid, "birthday_coupon"))
        except IntegrityError:
            continue  # this year's coupon is out already
        issued += 1
    return issued


def issue_win_back(now=None) -> int:
    """The worker, daily: customers now in the at-risk segment who agreed to hear from us get a
    win-back coupon (at most one every WIN_BACK_EVERY_DAYS) and today's win-back message, which
    the outreach sender delivers outside quiet hours to those still agreeing at that time."""
    from .outreach import schedule_outreach

    amount = Decimal(str(settings.WIN_BACK_COUPON_AMOUNT or "0"))
    if amount <= 0:
        return 0
    now = now or clock.now()
    today = timezone.localdate(now)
    recent = MemberCoupon.objects.filter(
        source=MemberCoupon.Source.WIN_BACK, created_at__gt=now - timedelta(days=settings.WIN_BACK_EVERY_DAYS)
    )
    candidates = (
        Customer.objects.filter(erased_at__isnull=True)
        .exclude(segments=[])
        .exclude(pk__in=recent.values("customer_id"))
    )
    issued = 0
    for customer in candidates.iterator():
        if AT_RISK not in (customer.segments or []):
            continue
        by_email = customer.consent_email and customer.has_email
        by_sms = customer.consent_sms and customer.phone and settings.WIN_BACK_SMS_TEMPLATE
        if not (by_email or by_sms):
            continue
        english = (customer.language or "").startswith("en")
        try:
            with transaction.atomic():
                _issue(
                    customer,
                    source=MemberCoupon.Source.WIN_BACK,
                    reference=today.isoformat(),
                    name="We miss you" if english else "老客回归券",
                    amount=amount,
                    min_spend=Decimal(str(settings.WIN_BACK_COUPON_MIN_SPEND or "0")),
                    days=settings.WIN_BACK_COUPON_DAYS,
                    now=now,
                )
        except IntegrityError:
            continue
        issued += 1
    if issued:
        # One message a day per channel (unique occasion and time), to everyone issued that day.
        at = datetime.combine(today, time(10), tzinfo=timezone.get_current_timezone())
        channels = [("email", at)] + ([("sms", at + timedelta(minutes=1))] if settings.WIN_BACK_SMS_TEMPLATE else [])
        for channel, at in channels:
            try:
                with transaction.atomic():
                    schedule_outreach(
                        name=f"win_back {today.isoformat()} {channel}",
                        channel=channel,
                        segment="win_back",
                        occasion="win_back",
                        scheduled_at=at,
                        sms_template=settings.WIN_BACK_SMS_TEMPLATE if channel == "sms" else "",
                    )
            except IntegrityError:
                continue  # today's message exists: it reaches everyone issued today
    return issued


# --- the exchange list, kept by staff ------------------------------------------------------------


@transaction.atomic
def save_offer(
    *, name: str, name_en: str = "", points, coupon_amount, coupon_min_spend=0, valid_days=30, actor=None
) -> PointsOffer:
    """Add a coupon to the points exchange (owner, marketing). Audited."""
    from decimal import InvalidOperation

    from dianpu.audit.services import record_audit
    from dianpu.core.errors import ValidationFailed

    errors = {}
    name = (name or "").strip()[:100]
    if not name:
        errors["name"] = str(MESSAGES["required"])
    try:
        points = int(points)
        if not 0 < points <= 10_000_000:
            raise ValueError
    except (TypeError, ValueError):
        errors["points"] = str(MESSAGES["points_invalid"])
    money = {}
    for key, value in (("coupon_amount", coupon_amount), ("coupon_min_spend", coupon_min_spend or 0)):
        try:
            money[key] = Decimal(str(value).strip() or "0").quantize(Decimal("0.01"))
            if not money[key].is_finite() or money[key] < 0 or money[key] > 1_000_000:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[key] = str(MESSAGES["rule_not_a_number"])
    if "coupon_amount" not in errors and money["coupon_amount"] <= 0:
        errors["coupon_amount"] = str(MESSAGES["rule_not_a_number"])
    try:
        valid_days = int(valid_days)
        if not 1 <= valid_days <= 365:
            raise ValueError
    except (TypeError, ValueError):
        errors["valid_days"] = str(MESSAGES["offer_days"])
    if errors:
        raise ValidationFailed(errors)
    offer = PointsOffer.objects.create(
        name=name,
        name_en=(name_en or "").strip()[:100],
        points=points,
        valid_days=valid_days,
        created_at=clock.now(),
        **money,
    )
    record_audit(actor=actor, action="customers.points_offer_saved", obj=offer, object_repr=name)
    return offer


@transaction.atomic
def withdraw_offer(*, offer_id: int, actor=None) -> None:
    from dianpu.audit.services import record_audit

    offer = PointsOffer.objects.filter(pk=offer_id, is_active=True).first()
    if offer is None:
        return
    PointsOffer.objects.filter(pk=offer.pk).update(is_active=False)
    record_audit(actor=actor, action="customers.points_offer_withdrawn", obj=offer, object_repr=offer.name)


@transaction.atomic
def set_birthday_coupon(*, tier_code: str, amount, min_spend=0, actor=None) -> MembershipTier:
    """A tier's birthday coupon (amount 0: none). Audited."""
    from decimal import InvalidOperation

    from dianpu.audit.services import record_audit
    from dianpu.core.errors import ValidationFailed

    tier = MembershipTier.objects.filter(code=tier_code).first()
    if tier is None:
        raise ValidationFailed({"tier": str(MESSAGES["required"])})
    values, errors = {}, {}
    for key, value in (("birthday_coupon_amount", amount), ("birthday_coupon_min_spend", min_spend)):
        try:
            values[key] = Decimal(str(value or "0").strip() or "0").quantize(Decimal("0.01"))
            if not values[key].is_finite() or values[key] < 0 or values[key] > 1_000_000:
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[key] = str(MESSAGES["rule_not_a_number"])
    if errors:
        raise ValidationFailed(errors)
    before = (tier.birthday_coupon_amount, tier.birthday_coupon_min_spend)
    MembershipTier.objects.filter(pk=tier.pk).update(**values)
    tier.refresh_from_db()
    record_audit(
        actor=actor,
        action="customers.birthday_coupon_changed",
        obj=tier,
        object_repr=tier.code,
        changes={
            "birthday_coupon": (
                f"{before[0]} / {before[1]}",
                f"{tier.birthday_coupon_amount} / {tier.birthday_coupon_min_spend}",
            )
        },
    )
    return tier
