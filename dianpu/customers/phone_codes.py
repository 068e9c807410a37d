"""Sign-up and sign-in by mobile number (手机号注册/登录), proved by a one-time SMS code.

A code is six random digits, kept only as an HMAC, valid `PHONE_CODE_MINUTES`, for one use and
`PHONE_CODE_TRIES` wrong guesses. Sending is throttled per number and per client address (a new
code at most every `PHONE_CODE_RESEND_SECONDS`, and `PHONE_CODES.allowed` an hour). The row is
committed first; the SMS goes out through the provider interface afterwards, outside any
transaction; a provider that refuses or times out voids the code and says so (502 sms_failed)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from dianpu.core import clock, ratelimit
from dianpu.core.errors import DomainError
from dianpu.core.outbound import ensure_outside_transaction
from dianpu.core.phones import check_phone
from dianpu.messaging.providers import SmsMessage, get_sms_provider

from .domain.phones import normalize_phone
from .messages import MESSAGES
from .models import PHONE_ONLY_DOMAIN, Customer, PhoneCode

PURPOSES = ("sign_up", "sign_in")
PHONE_CODES = ratelimit.Limit("phone-codes", 5, 60 * 60)


def _error(code: str, status: int = 422, **params) -> DomainError:
    text = str(MESSAGES[code])
    return DomainError(text % params if params else text, code=code, status=status)


def clean_mobile(raw: str) -> str:
    """The number in E.164 when it is a real mobile number (mainland numbers without +86)."""
    raw = (raw or "").strip()
    problem = check_phone(raw)
    normalized = normalize_phone(raw) if problem is None else None
    if normalized is None:
        raise _error("phone_invalid")
    kind = phonenumbers.number_type(phonenumbers.parse(normalized))
    if kind not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        raise _error("phone_not_mobile")
    return normalized


def _digest(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def account_with_phone(phone: str) -> Customer | None:
    """The account signed in to with this mobile: the one that proved it, else one that gave it."""
    accounts = Customer.objects.filter(phone=phone, erased_at__isnull=True).exclude(password="")
    return accounts.filter(phone_verified_at__isnull=False).first() or accounts.order_by("id").first()


@dataclass(frozen=True)
class CodeSent:
    expires_in: int
    resend_after: int


def request_code(phone: str, purpose: str, ip: str | None = None) -> CodeSent:
    """Send a code to `phone` for `purpose`. For sign-in, a number without an account gets the
    same answer and no SMS (nobody learns which numbers have accounts from it)."""
    if purpose not in PURPOSES:
        raise _error("code_purpose")
    phone = clean_mobile(phone)
    ensure_outside_transaction("sms code")
    if purpose == "sign_up" and Customer.objects.filter(phone=phone, phone_verified_at__isnull=False).exists():
        raise _error("phone_taken")
    keys = [f"phone:{phone}", ratelimit.client_key(ip)]
    if ratelimit.refused(PHONE_CODES, keys):
        raise _error("code_too_many", status=429)
    resend = settings.PHONE_CODE_RESEND_SECONDS
    now = clock.now()
    if PhoneCode.objects.filter(phone=phone, created_at__gt=now - timedelta(seconds=resend)).exists():
        raise _error("code_too_soon", status=429, seconds=resend)
    answer = CodeSent(expires_in=settings.PHONE_CODE_MINUTES * 60, resend_after=resend)
    ratelimit.count(PHONE_CODES, keys)
    if purpose == "sign_in" and account_with_phone(phone) is None:
        return answer
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        PhoneCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True).update(used_at=now)
        row = PhoneCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=_digest(phone, code),
            created_at=now,
            expires_at=now + timedelta(minutes=settings.PHONE_CODE_MINUTES),
        )
    # Committed: now the network, outside any transaction.
    result = get_sms_provider().send(
        SmsMessage(phone, settings.PHONE_CODE_SMS_TEMPLATE, {"code": code}, reference=f"C{row.pk}")
    )
    if not result.accepted:
        PhoneCode.objects.filter(pk=row.pk).update(used_at=clock.now())
        raise _error("sms_failed", status=502)
    PhoneCode.objects.filter(pk=row.pk).update(sent=True)
    return answer


def _check_code(phone: str, purpose: str, code: str) -> PhoneCode:
    """The live code for this number, if `code` is it; every wrong try counts (and is committed)."""
    now = clock.now()
    row = (
        PhoneCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True, sent=True, expires_at__gt=now)
        .order_by("-created_at", "-id")
        .first()
    )
    code = (code or "").strip()
    if row is None or not PhoneCode.objects.filter(pk=row.pk, attempts__lt=settings.PHONE_CODE_TRIES).update(
        attempts=F("attempts") + 1
    ):
        raise _error("code_invalid")
    if not (len(code) == 6 and code.isdigit() and hmac.compare_digest(row.code_hash, _digest(phone, code))):
        raise _error("code_invalid")
    return row


def _use(row: PhoneCode) -> None:
    if not PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=clock.now()):
        raise _error("code_invalid")  # used by a concurrent request


def sign_up_by_phone(
    *, phone: str, code: str, password: str, name: str = "", language: str = "zh-hans", consent_sms: bool = False
) -> Customer:
    """Open an account with a mobile number (no e-mail): the code proves the number; an e-mail can
    be added later. 422 phone_taken when an account has proved this number already."""
    from .services import _check_password_strength

    phone = clean_mobile(phone)
    name = (name or "").strip()
    if len(name) > 100:
        raise _error("name_too_long")
    _check_password_strength(password, "")
    if Customer.objects.filter(phone=phone, phone_verified_at__isnull=False).exists():
        raise _error("phone_taken")
    row = _check_code(phone, "sign_up", code)
    now = clock.now()
    try:
        with transaction.atomic():
            _use(row)
            customer = Customer.objects.create(
                email=f"m{phone.lstrip('+')}{PHONE_ONLY_DOMAIN}",
                name=name,
                phone=phone,
                phone_verified_at=now,
                password=make_password(password),
                signed_up_at=now,
                created_at=now,
                language=language,
                consent_sms=consent_sms,
            )
    except IntegrityError:
        raise _error("phone_taken") from None
    return customer


def sign_in_by_code(*, phone: str, code: str) -> Customer:
    """The account of this mobile number, signed in to with an SMS code instead of the password."""
    phone = clean_mobile(phone)
    row = _check_code(phone, "sign_in", code)
    customer = account_with_phone(phone)
    if customer is None:
        raise _error("sign_in_failed", status=401)
    with transaction.atomic():
        _use(row)
        if (
            customer.phone_verified_at is None
            and not Customer.objects.filter(~Q(pk=customer.pk), phone=phone, phone_verified_at__isnull=False).exists()
        ):
            Customer.objects.filter(pk=customer.pk).update(phone_verified_at=clock.now())
    customer.refresh_from_db()
    return customer
