"""Customers' use cases: guest customers, accounts (sign-up, verification, sign-in, tokens,
password reset), the points ledger, tiers, addresses, consent, privacy (erase).

Points move only here, by conditional single-statement UPDATEs (`points_balance >= n`), each with
its ledger row, so two redemptions racing cannot both spend the same points."""

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F

from dianpu import events
from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.actors import Actor
from dianpu.core.errors import DomainError
from dianpu.core.inserts import insert_unless_conflict

from .domain.phones import normalize_phone
from .domain.points import Credit, points_to_expire
from .domain.tiers import TierRule, evaluate_tier, tier_change
from .messages import MESSAGES, PASSWORD_RULES
from .models import Customer, CustomerToken, MembershipTier, PointsEntry, PrivacyRequest, SavedAddress, Segment

if TYPE_CHECKING:
    from .domain.segments import RfmThresholds

TOKEN_PREFIX = "cu_"
VERIFY_SALT = "dianpu.customers.verify-email"
RESET_SALT = "dianpu.customers.reset-password"


def _error(code: str, status: int = 422, **params: object) -> DomainError:
    return DomainError(str(MESSAGES[code]) % params if params else str(MESSAGES[code]), code=code, status=status)


def get_or_create_customer(*, email: str, name: str = "", phone: str = "", language: str = "zh-hans") -> Customer:
    """The customer with this e-mail (case-insensitive), created on first purchase."""
    email = email.strip().lower()
    customer = Customer.objects.filter(email=email).first()
    if customer:
        return customer
    customer = Customer(email=email, name=name, phone=phone, language=language, created_at=clock.now())
    if insert_unless_conflict(customer) is None:  # created by a concurrent checkout
        return Customer.objects.get(email=email)
    return customer


def get_or_create_customer_id(*, email: str, name: str = "", phone: str = "", language: str = "zh-hans") -> int:
    """The id of the customer with this e-mail (case-insensitive), created on first purchase: one
    read for a known buyer, one INSERT … RETURNING more for a new one (no savepoint, no re-read)."""
    email = email.strip().lower()
    known = Customer.objects.filter(email=email).values_list("pk", flat=True).first()
    if known is not None:
        return known
    new = Customer(email=email, name=name, phone=phone, language=language, created_at=clock.now())
    if insert_unless_conflict(new) is None:  # created by a concurrent checkout
        return Customer.objects.filter(email=email).values_list("pk", flat=True).get()
    return new.pk


# --- accounts -------------------------------------------------------------------------------------


def _check_password_strength(password: str, email: str) -> None:
    try:
        validate_password(password or "")
    except ValidationError as exc:
        codes = [e.code for e in exc.error_list]
        reasons = [str(PASSWORD_RULES[c]) for c in PASSWORD_RULES if c in codes] or [str(PASSWORD_RULES["other"])]
        raise _error("password_weak", reasons=" ".join(reasons)) from None


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise _error("email_invalid") from None
    return email


def _clean_phone(phone: str) -> str:
    if not (phone or "").strip():
        return ""
    normalized = normalize_phone(phone)
    if normalized is None:
        raise _error("phone_invalid")
    return normalized


@transaction.atomic
def sign_up(
    *,
    email: str,
    password: str,
    name: str = "",
    phone: str = "",
    language: str = "zh-hans",
    consent_email: bool = False,
    consent_sms: bool = False,
) -> Customer:
    """Open an account. An e-mail already used for a guest order becomes that customer's account
    (its earlier orders are shown once the e-mail is verified); one with an account -> email_taken.
    The verification link goes out by e-mail after commit."""
    email = _clean_email(email)
    name = (name or "").strip()
    if len(name) > 100:
        raise _error("name_too_long")
    phone = _clean_phone(phone)
    _check_password_strength(password, email)
    if phone and Customer.objects.filter(phone=phone).exclude(password="").exclude(email=email).exists():
        raise _error("phone_taken")
    now = clock.now()
    fields = {
        "password": make_password(password),
        "signed_up_at": now,
        "language": language,
        "consent_email": consent_email,
        "consent_sms": consent_sms,
    }
    if name:
        fields["name"] = name
    if phone:
        fields["phone"] = phone
    try:
        with transaction.atomic():
            customer = Customer.objects.create(email=email, created_at=now, **fields)
    except IntegrityError:
        # A guest customer: claim it, unless someone holds the account already (conditional UPDATE).
        if not Customer.objects.filter(email=email, password="").update(**fields):
            raise _error("email_taken") from None
        customer = Customer.objects.get(email=email)
    from .tasks import send_account_email

    transaction.on_commit(lambda: send_account_email(customer.pk, "verify"))
    return customer


def verification_token(customer: Customer) -> str:
    return signing.dumps({"c": customer.pk, "e": customer.email}, salt=VERIFY_SALT, compress=True)


def verify_email(token: str) -> Customer:
    """Mark the e-mail verified from the signed link: from now on the account shows every order
    placed with this e-mail, guest ones too."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=timedelta(days=settings.CUSTOMER_LINK_DAYS))
    except signing.BadSignature:
        raise _error("link_invalid", status=400) from None
    customer = Customer.objects.filter(pk=data.get("c"), email=data.get("e"), erased_at__isnull=True).first()
    if customer is None:
        raise _error("link_invalid", status=400)
    Customer.objects.filter(pk=customer.pk, email_verified_at__isnull=True).update(email_verified_at=clock.now())
    customer.refresh_from_db()
    return customer


_DUMMY_HASH = None


def authenticate_customer(login: str, password: str) -> Customer:
    """The account signed in to by e-mail or mobile number and password; 401 sign_in_failed."""
    global _DUMMY_HASH
    login = (login or "").strip().lower()
    customer = None
    if "@" in login:
        customer = Customer.objects.filter(email=login, erased_at__isnull=True).exclude(password="").first()
    elif login:
        phone = normalize_phone(login)
        if phone:
            customer = Customer.objects.filter(phone=phone, erased_at__isnull=True).exclude(password="").first()
    if customer is None:
        _DUMMY_HASH = _DUMMY_HASH or make_password("dianpu-dummy")
        check_password(password or "", _DUMMY_HASH)  # the same work as a real check
        raise _error("sign_in_failed", status=401)
    if not check_password(password or "", customer.password):
        raise _error("sign_in_failed", status=401)
    return customer


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_customer_token(customer: Customer) -> str:
    """A bearer token for the customer's own endpoints (`cu_…`); shown once, only its hash kept."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    CustomerToken.objects.create(customer=customer, key_hash=_hash(key), created_at=clock.now())
    return key


def authenticate_customer_token(key: str) -> Customer | None:
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        CustomerToken.objects.select_related("customer")
        .filter(key_hash=_hash(key), customer__erased_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        CustomerToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.customer


def session_hash(customer: Customer) -> str:
    """Kept in the storefront session: a password change signs every other session out."""
    return hashlib.sha256(f"{customer.pk}:{customer.password}:{settings.SECRET_KEY}".encode()).hexdigest()[:32]


def request_password_reset(email: str) -> None:
    """Send a reset link when an account has this e-mail; say nothing either way (no probing)."""
    email = (email or "").strip().lower()
    customer = Customer.objects.filter(email=email, erased_at__isnull=True).exclude(password="").first()
    if customer is None:
        return
    from .tasks import send_account_email

    transaction.on_commit(lambda: send_account_email(customer.pk, "reset"))


def reset_token(customer: Customer) -> str:
    # Bound to the current password hash: the link works once (the new password changes the hash).
    return signing.dumps({"c": customer.pk, "p": customer.password[-16:]}, salt=RESET_SALT, compress=True)


@transaction.atomic
def reset_password(token: str, password: str) -> Customer:
    try:
        data = signing.loads(token, salt=RESET_SALT, max_age=timedelta(days=1))
    except signing.BadSignature:
        raise _error("link_invalid", status=400) from None
    customer = Customer.objects.filter(pk=data.get("c"), erased_at__isnull=True).exclude(password="").first()
    if customer is None or customer.password[-16:] != data.get("p"):
        raise _error("link_invalid", status=400)
    _check_password_strength(password, customer.email)
    new_hash = make_password(password)
    if not Customer.objects.filter(pk=customer.pk, password=customer.password).update(
        password=new_hash, email_verified_at=customer.email_verified_at or clock.now()
    ):
        raise _error("link_invalid", status=400)
    CustomerToken.objects.filter(customer=customer).delete()
    customer.refresh_from_db()
    return customer


@transaction.atomic
def update_profile(
    customer: Customer,
    *,
    name: str | None = None,
    phone: str | None = None,
    consent_email: bool | None = None,
    consent_sms: bool | None = None,
    birthday: date | None = None,
) -> Customer:
    fields: dict[str, Any] = {}
    if name is not None:
        if len(name.strip()) > 100:
            raise _error("name_too_long")
        fields["name"] = name.strip()
    if phone is not None:
        fields["phone"] = _clean_phone(phone)
        if (
            fields["phone"]
            and Customer.objects.filter(phone=fields["phone"]).exclude(password="").exclude(pk=customer.pk).exists()
        ):
            raise _error("phone_taken")
        if fields["phone"] != customer.phone:
            fields["phone_verified_at"] = None  # a new number is not proved yet
    for key, value in (("consent_email", consent_email), ("consent_sms", consent_sms), ("birthday", birthday)):
        if value is not None:
            fields[key] = value
    if fields:
        Customer.objects.filter(pk=customer.pk).update(**fields)
        customer.refresh_from_db()
        from .rewards import reward_complete_profile

        reward_complete_profile(customer)
    return customer


ADDRESS_FIELDS = ("name", "phone", "country", "province", "city", "district", "line1", "line2", "postcode")
ADDRESS_REQUIRED = ("name", "phone", "province", "city", "line1")
MAX_ADDRESSES = 20


@transaction.atomic
def save_address(customer: Customer, data: dict[str, Any], *, make_default: bool = False) -> SavedAddress:
    from dianpu.core.errors import ValidationFailed
    from dianpu.core.messages import REQUIRED

    values = {k: str(data.get(k) or "").strip() for k in ADDRESS_FIELDS}
    values["country"] = (values["country"] or "CN").upper()[:2]
    errors = {k: str(REQUIRED) for k in ADDRESS_REQUIRED if not values[k]}
    if values["phone"] and "phone" not in errors:
        phone = normalize_phone(values["phone"], values["country"])
        if phone is None:
            errors["phone"] = str(MESSAGES["phone_invalid"])
        else:
            values["phone"] = phone
    for field in ADDRESS_FIELDS:
        limit = getattr(SavedAddress._meta.get_field(field), "max_length", None)
        if limit is not None and len(values[field]) > limit:
            errors[field] = str(MESSAGES["name_too_long"]) if field == "name" else "≤ %d" % limit
    if errors:
        raise ValidationFailed(errors)
    if customer.addresses.count() >= MAX_ADDRESSES:
        oldest = customer.addresses.order_by("id").first()
        if oldest is not None:
            oldest.delete()
    first = not customer.addresses.exists()
    if make_default or first:
        customer.addresses.update(is_default=False)
    return SavedAddress.objects.create(
        customer=customer, is_default=make_default or first, created_at=clock.now(), **values
    )


def delete_address(customer: Customer, address_id: int) -> None:
    SavedAddress.objects.filter(customer=customer, pk=address_id).delete()


# --- points (积分) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointsChange:
    delta: int
    balance: int


def _move_points(
    customer_id: int,
    delta: int,
    *,
    kind: str,
    reference: str = "",
    reason: str = "",
    expires_at: datetime | None = None,
    actor_label: str = "",
    refuse: str = "points_insufficient",
) -> PointsChange | None:
    """One ledger row and the balance, together: a conditional UPDATE that only spends points the
    customer holds. Returns None when an entry of this kind and reference exists already (safe to
    run twice); raises `refuse` (422) when the balance would go below zero."""
    with transaction.atomic():
        rows = Customer.objects.filter(pk=customer_id)
        if delta < 0:
            rows = rows.filter(points_balance__gte=-delta)
        if not rows.update(points_balance=F("points_balance") + delta):
            balance = Customer.objects.filter(pk=customer_id).values_list("points_balance", flat=True).first()
            if balance is None:
                raise _error("customer_not_found", status=404)
            raise _error(refuse, balance=balance, points=-delta)
        balance = Customer.objects.filter(pk=customer_id).values_list("points_balance", flat=True).get()
        try:
            with transaction.atomic():
                PointsEntry.objects.create(
                    customer_id=customer_id,
                    kind=kind,
                    delta=delta,
                    balance_after=balance,
                    reference=reference[:64],
                    reason=reason[:200],
                    expires_at=expires_at,
                    created_at=clock.now(),
                    actor_label=actor_label[:150],
                )
        except IntegrityError:
            transaction.set_rollback(True)
            return None
    return PointsChange(delta, balance)


def redeem_points(*, customer_id: int, points: int, order_number: str) -> PointsChange:
    """Spend points on an order (inside checkout's transaction): 422 points_insufficient when the
    customer does not hold them at this moment, and then nothing is written."""
    change = _move_points(customer_id, -points, kind=PointsEntry.Kind.REDEEM, reference=order_number)
    if change is None:
        raise _error("points_insufficient", balance=0, points=points)
    return change


@transaction.atomic
def adjust_points(
    *, customer: Customer, delta: int, reason: str, actor: Actor = None, ip_address: str | None = None
) -> int:
    """Staff add or remove points by hand, with a reason; 422 points_negative below zero. Audited."""
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0 or abs(delta) > 10_000_000:
        raise _error("points_invalid")
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason_required")
    label = actor.get_username() if actor is not None and getattr(actor, "is_authenticated", False) else "system"
    expires = clock.now() + timedelta(days=settings.POINTS_EXPIRE_DAYS) if delta > 0 else None
    change = _move_points(
        customer.pk,
        delta,
        kind=PointsEntry.Kind.ADJUST,
        reason=reason,
        expires_at=expires,
        actor_label=label,
        refuse="points_negative",
    )
    assert change is not None  # None only for a repeated reference, and this change has none
    record_audit(
        actor=actor,
        action="customers.points_adjusted",
        obj=customer,
        changes={"points_balance": (change.balance - delta, change.balance)},
        reason=reason,
        ip_address=ip_address,
    )
    return change.balance


def earn_points_for_order(*, customer_id: int, order_number: str, amount_paid: Decimal) -> int:
    """Credit what a paid order earns (once per order)."""
    from .domain.points import points_earned

    points = points_earned(amount_paid, settings.POINTS_EARNED_PER_YUAN)
    if points <= 0:
        return 0
    change = _move_points(
        customer_id,
        points,
        kind=PointsEntry.Kind.EARN,
        reference=order_number,
        expires_at=clock.now() + timedelta(days=settings.POINTS_EXPIRE_DAYS),
    )
    return change.delta if change else 0


def restore_redeemed_points(*, customer_id: int, order_number: str) -> int:
    """An order cancelled before payment gives its redeemed points back (once)."""
    spent = -sum(
        PointsEntry.objects.filter(
            customer_id=customer_id, kind=PointsEntry.Kind.REDEEM, reference=order_number
        ).values_list("delta", flat=True)
    )
    if spent <= 0:
        return 0
    change = _move_points(customer_id, spent, kind=PointsEntry.Kind.RESTORE, reference=order_number)
    return change.delta if change else 0


def take_back_points(
    *, customer_id: int, order_number: str, refund_reference: str, refunded: Decimal, paid: Decimal
) -> int:
    """A refund takes back the points the order earned, in proportion; never below a zero balance
    (points already spent stay spent)."""
    from .domain.points import points_to_take_back

    entries = PointsEntry.objects.filter(customer_id=customer_id)
    earned = sum(entries.filter(kind=PointsEntry.Kind.EARN, reference=order_number).values_list("delta", flat=True))
    taken = -sum(
        entries.filter(kind=PointsEntry.Kind.TAKE_BACK, reference__startswith=f"{order_number}#").values_list(
            "delta", flat=True
        )
    )
    due = points_to_take_back(earned=earned, already_taken=taken, refunded=refunded, paid=paid)
    for _attempt in range(3):
        balance = Customer.objects.filter(pk=customer_id).values_list("points_balance", flat=True).first() or 0
        take = min(due, balance)
        if take <= 0:
            return 0
        try:
            change = _move_points(
                customer_id, -take, kind=PointsEntry.Kind.TAKE_BACK, reference=f"{order_number}#{refund_reference}"
            )
        except DomainError:
            continue  # spent meanwhile: take what is left
        return -change.delta if change else 0
    return 0


CREDIT_KINDS = (PointsEntry.Kind.EARN, PointsEntry.Kind.ADJUST, PointsEntry.Kind.ACTION, PointsEntry.Kind.RESTORE)


def expire_points(now: datetime | None = None) -> int:
    """Expire earned points past their date (oldest spent first); one ledger row per customer per
    day. Returns the points expired."""
    now = now or clock.now()
    total = 0
    due = (
        PointsEntry.objects.filter(expires_at__lte=now, delta__gt=0, customer__points_balance__gt=0)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    for customer_id in list(due):
        entries = list(PointsEntry.objects.filter(customer_id=customer_id).values_list("delta", "expires_at"))
        credits = [Credit(d, e) for d, e in entries if d > 0]
        debited = -sum(d for d, _e in entries if d < 0)
        points = points_to_expire(credits=credits, debited=debited, now=now)
        if points <= 0:
            continue
        balance = Customer.objects.filter(pk=customer_id).values_list("points_balance", flat=True).get()
        points = min(points, balance)
        try:
            change = _move_points(
                customer_id, -points, kind=PointsEntry.Kind.EXPIRE, reference=f"expire-{now.date().isoformat()}"
            )
        except DomainError:
            continue
        total += -change.delta if change else 0
    return total


# --- tiers ----------------------------------------------------------------------------------------


def tier_rules() -> list[TierRule]:
    return [
        TierRule(t.code, t.rank, t.min_spend, t.discount_percent, t.member_price, t.free_shipping)
        for t in MembershipTier.objects.all()
    ]


def review_tiers(now: datetime | None = None) -> dict[str, int]:
    """Put every customer in the tier their spend over the window earns (the worker, daily);
    each change audited and the customer told by e-mail."""
    from .queries import spend_since

    now = now or clock.now()
    rules = tier_rules()
    changed = {"upgrade": 0, "downgrade": 0}
    if not rules:
        return changed
    spends = spend_since(now - timedelta(days=settings.TIER_WINDOW_DAYS))
    for customer_id, old in Customer.objects.filter(erased_at__isnull=True).values_list("id", "tier"):
        new = evaluate_tier(spends.get(customer_id, Decimal("0")), rules)
        direction = tier_change(old, new, rules)
        if direction and set_tier(customer_id=customer_id, old=old, new=new, reason=direction):
            changed[direction] += 1
    return changed


@transaction.atomic
def set_tier(*, customer_id: int, old: str, new: str, reason: str = "", actor: Actor = None) -> bool:
    if not Customer.objects.filter(pk=customer_id, tier=old).update(tier=new, tier_since=clock.now()):
        return False
    customer = Customer.objects.get(pk=customer_id)
    record_audit(
        actor=actor, action="customers.tier_changed", obj=customer, changes={"tier": (old, new)}, reason=reason
    )
    if customer.has_account:
        from .tasks import send_account_email

        transaction.on_commit(lambda: send_account_email(customer_id, "tier"))
    return True


# --- segments -----------------------------------------------------------------------------------


def rfm_thresholds() -> "RfmThresholds":
    from .domain.segments import RfmThresholds

    rule: dict[str, Any] = settings.CUSTOMER_RFM_RULE
    return RfmThresholds(
        int(rule["active_days"]),
        int(rule["lost_days"]),
        int(rule["loyal_orders"]),
        Decimal(str(rule["high_value_amount"])),
    )


def refresh_segments(customer_ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Recompute the stored segments (RFM + rule segments) of these customers (all when None);
    writes only the rows that change. Returns how many changed."""
    from .domain.segments import SegmentRule, segments_of
    from .queries import segment_facts

    now = now or clock.now()
    rules = [SegmentRule(s.code, s.conditions) for s in Segment.objects.all()]
    thresholds = rfm_thresholds()
    changed = 0
    for customer_id, (facts, current) in segment_facts(customer_ids, now, rules).items():
        wanted = segments_of(facts, thresholds, rules)
        if wanted != list(current or []):
            Customer.objects.filter(pk=customer_id).update(segments=wanted)
            changed += 1
    return changed


@transaction.atomic
def save_segment(*, code: str, name: str, conditions: dict[str, Any], actor: Actor = None) -> Segment:
    from .domain.segments import RFM_SEGMENTS, check_rule

    code = (code or "").strip().lower()
    errors = check_rule(conditions)
    if not code or code in RFM_SEGMENTS or not code.replace("_", "").replace("-", "").isalnum():
        errors["code"] = "segment_code_invalid"
    if not (name or "").strip():
        errors["name"] = "required"
    if errors:
        from dianpu.core.errors import ValidationFailed

        raise ValidationFailed({k: str(MESSAGES.get(v, v)) for k, v in errors.items()})
    segment, _created = Segment.objects.update_or_create(
        code=code, defaults={"name": name.strip()[:100], "conditions": conditions, "created_at": clock.now()}
    )
    record_audit(actor=actor, action="customers.segment_saved", obj=segment, object_repr=code)
    transaction.on_commit(lambda: refresh_segments())
    return segment


# --- merge ----------------------------------------------------------------------------------------


@transaction.atomic
def merge_customers(*, keep: Customer, other: Customer, actor: Actor = None, ip_address: str | None = None) -> Customer:
    """Two records of one person become `keep`: orders (through the CustomersMerged event),
    points (by ledger rows on both sides), addresses, tags and notes move; `other` stays as an
    empty record pointing at `keep`. Audited."""
    if keep.pk == other.pk:
        raise _error("merge_same")
    if keep.erased_at or other.erased_at:
        raise _error("customer_erased")
    balance = Customer.objects.filter(pk=other.pk).values_list("points_balance", flat=True).get()
    if balance:
        _move_points(
            other.pk,
            -balance,
            kind=PointsEntry.Kind.ADJUST,
            reason=f"merged into #{keep.pk}",
            actor_label=_actor_label(actor),
        )
        _move_points(
            keep.pk,
            balance,
            kind=PointsEntry.Kind.ADJUST,
            reason=f"merged from #{other.pk}",
            actor_label=_actor_label(actor),
        )
    SavedAddress.objects.filter(customer=other).update(customer=keep, is_default=False)
    from .models import MemberCoupon

    for coupon in MemberCoupon.objects.filter(customer=other):  # their coupons too, unless `keep` has that one
        if not MemberCoupon.objects.filter(customer=keep, source=coupon.source, reference=coupon.reference).exists():
            MemberCoupon.objects.filter(pk=coupon.pk).update(customer=keep)
    CustomerToken.objects.filter(customer=other).delete()
    fields: dict[str, Any] = {
        "tags": sorted(set(keep.tags or []) | set(other.tags or [])),
        "note": "\n".join(n for n in (keep.note, other.note) if n),
    }
    for name in ("name", "phone", "birthday"):
        if not getattr(keep, name) and getattr(other, name):
            fields[name] = getattr(other, name)
    if other.phone_verified_at and not keep.phone_verified_at and (keep.phone or other.phone) == other.phone:
        fields["phone_verified_at"] = other.phone_verified_at
    Customer.objects.filter(pk=other.pk).update(
        email=f"merged-{other.pk}@merged.invalid",
        name="",
        phone="",
        phone_verified_at=None,
        password="",
        tags=[],
        note="",
        merged_into=keep,
        erased_at=clock.now(),
    )
    Customer.objects.filter(pk=keep.pk).update(**fields)
    events.publish(events.CustomersMerged(merged_id=other.pk, kept_id=keep.pk, at=clock.now()))
    record_audit(
        actor=actor,
        action="customers.merged",
        obj=keep,
        changes={"merged": (other.email, keep.email)},
        ip_address=ip_address,
    )
    keep.refresh_from_db()
    return keep


@transaction.atomic
def update_notes(*, customer: Customer, tags: list[str], note: str, actor: Actor = None) -> Customer:
    tags = sorted({t.strip()[:30] for t in tags if t and t.strip()})[:20]
    Customer.objects.filter(pk=customer.pk).update(tags=tags, note=(note or "")[:2000])
    record_audit(
        actor=actor,
        action="customers.notes_changed",
        obj=customer,
        changes={"tags": (", ".join(customer.tags or []), ", ".join(tags))},
    )
    customer.refresh_from_db()
    return customer


# --- privacy --------------------------------------------------------------------------------------


def _actor_label(actor: Actor) -> str:
    return actor.get_username() if actor is not None and getattr(actor, "is_authenticated", False) else "system"


@transaction.atomic
def record_privacy_request(
    *, customer: Customer, kind: str, actor: Actor = None, ip_address: str | None = None
) -> dict[str, Any]:
    """Log an export request (and audit it); return the data to hand over."""
    from .queries import export_customer

    PrivacyRequest.objects.create(customer=customer, kind=kind, actor_label=_actor_label(actor), created_at=clock.now())
    record_audit(
        actor=actor, action="customers.exported", obj=customer, object_repr=f"#{customer.pk}", ip_address=ip_address
    )
    return export_customer(customer)


@transaction.atomic
def erase_customer(*, customer: Customer, actor: Actor = None, ip_address: str | None = None) -> Customer:
    """Erase a person on request (PIPL/GDPR): their name, e-mail, phone, addresses, account and
    tokens go; orders stay for the books with the person removed from them (the orders app does
    that on the CustomerErased event). Audited."""
    if customer.erased_at is not None:
        return customer
    placeholder = f"erased-{customer.pk}@erased.invalid"
    PrivacyRequest.objects.create(
        customer=customer, kind=PrivacyRequest.Kind.ERASE, actor_label=_actor_label(actor), created_at=clock.now()
    )
    Customer.objects.filter(pk=customer.pk).update(
        email=placeholder,
        name="",
        phone="",
        phone_verified_at=None,
        password="",
        birthday=None,
        note="",
        tags=[],
        consent_email=False,
        consent_sms=False,
        erased_at=clock.now(),
    )
    SavedAddress.objects.filter(customer=customer).delete()
    CustomerToken.objects.filter(customer=customer).delete()
    events.publish(
        events.CustomerErased(
            customer_id=customer.pk, email=customer.email, erased_at=clock.now(), placeholder=placeholder
        )
    )
    record_audit(
        actor=actor, action="customers.erased", obj=customer, object_repr=f"#{customer.pk}", ip_address=ip_address
    )
    customer.refresh_from_db()
    return customer


def remember_wechat_openid(*, customer_id: int, openid: str) -> None:
    """The signed-in customer's openid found by WeChat's web OAuth: their next payment inside
    WeChat needs no OAuth round trip."""
    Customer.objects.filter(pk=customer_id).exclude(wechat_openid=openid).update(wechat_openid=openid[:64])
