"""E-mail campaigns and abandoned-cart recovery: schedule, send (by the worker, safe to run
twice: one EmailDelivery / CartReminder row per address / cart decides), honour unsubscribes."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from dianpu.audit.services import record_audit
from dianpu.cart.models import Cart
from dianpu.core import clock
from dianpu.core.errors import ValidationFailed
from dianpu.customers.models import Customer
from dianpu.shop.queries import get_shop_profile

from .messages import FIELD_ERRORS, MESSAGES
from .models import CartRecovery, CartReminder, EmailCampaign, EmailDelivery, Unsubscribe

log = logging.getLogger(__name__)
AUDIENCES = ("all", "recent_buyers", "lapsed", "list")
SALT = "dianpu.marketing.unsubscribe"


def unsubscribe_token(email: str) -> str:
    return signing.dumps(email.strip().lower(), salt=SALT, compress=True)


def unsubscribe_url(email: str) -> str:
    return f"{settings.SITE_URL}/unsubscribe/{unsubscribe_token(email)}/"


@transaction.atomic
def unsubscribe(token: str) -> str | None:
    """Record the unsubscribe a signed link asks for; the address, or None for a bad link."""
    try:
        email = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    Unsubscribe.objects.get_or_create(email=email, defaults={"unsubscribed_at": clock.now()})
    return email


@transaction.atomic
def schedule_email_campaign(
    *, name, subject, body, scheduled_at, audience="all", recipients="", subject_en="", body_en="", actor=None
) -> EmailCampaign:
    errors = {}
    for key, value, limit in (("name", name, 100), ("subject", subject, 150), ("body", body, 20000)):
        if not (value or "").strip():
            errors[key] = "required"
        elif len(value) > limit:
            errors[key] = "too_long"
    if audience not in AUDIENCES:
        errors["audience"] = "audience_unknown"
    if audience == "list" and not _list_addresses(recipients):
        errors["recipients"] = "required"
    if scheduled_at is None:
        errors["scheduled_at"] = "required"
    if errors:
        raise ValidationFailed({k: str(FIELD_ERRORS[v]) for k, v in errors.items()}, detail=str(MESSAGES["invalid"]))
    campaign = EmailCampaign.objects.create(
        name=name.strip(),
        subject=subject.strip(),
        subject_en=(subject_en or "").strip()[:150],
        body=body,
        body_en=body_en or "",
        audience=audience,
        recipients=recipients or "",
        scheduled_at=scheduled_at,
        created_at=clock.now(),
    )
    record_audit(
        actor=actor,
        action="email_campaign.scheduled",
        obj=campaign,
        changes={"scheduled_at": ("", scheduled_at), "audience": ("", audience)},
    )
    return campaign


def _list_addresses(text: str) -> list[str]:
    out = []
    for part in (text or "").replace(",", "\n").splitlines():
        part = part.strip().lower()
        if part and "@" in part and part not in out:
            out.append(part)
    return out


def audience_of(campaign: EmailCampaign) -> list[tuple[str, str]]:
    """(email, language) of everyone the campaign goes to, unsubscribed addresses left out."""
    now = clock.now()
    customers = Customer.objects.all()
    if campaign.audience == "recent_buyers":
        customers = customers.filter(orders__placed_at__gte=now - timedelta(days=90)).distinct()
    elif campaign.audience == "lapsed":
        customers = (
            customers.exclude(orders__placed_at__gte=now - timedelta(days=180)).filter(orders__isnull=False).distinct()
        )
    if campaign.audience == "list":
        languages = dict(Customer.objects.values_list("email", "language"))
        people = [(e, languages.get(e, "zh-hans")) for e in _list_addresses(campaign.recipients)]
    else:
        people = list(customers.values_list("email", "language"))
    blocked = set(Unsubscribe.objects.values_list("email", flat=True))
    return [(e, lang) for e, lang in people if e not in blocked]


def _send(to: str, language: str, subject: str, template: str, context: dict) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {**context, "shop_name": get_shop_profile().name, "unsubscribe_url": unsubscribe_url(to)}
        text = render_to_string(f"marketing/email/{template}.txt", context)
        html = render_to_string(f"marketing/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers={"List-Unsubscribe": f"<{context['unsubscribe_url']}>"},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_email_campaign(campaign_id: int) -> int:
    """Send one due campaign to everyone not yet sent to. Returns how many were sent now."""
    won = EmailCampaign.objects.filter(
        pk=campaign_id,
        status__in=[EmailCampaign.Status.SCHEDULED, EmailCampaign.Status.SENDING],
        scheduled_at__lte=clock.now(),
    ).update(status=EmailCampaign.Status.SENDING)
    if won != 1:
        return 0
    campaign = EmailCampaign.objects.get(pk=campaign_id)
    sent = 0
    for email, language in audience_of(campaign):
        # Claim the address (committed), then send outside the transaction: the mail server may
        # be slow. A send that fails gives the claim back, so the next run tries again.
        try:
            with transaction.atomic():
                delivery = EmailDelivery.objects.create(campaign=campaign, email=email, sent_at=clock.now())
        except IntegrityError:
            continue  # sent by an earlier run
        english = (language or "").startswith("en")
        subject = campaign.subject_en if english and campaign.subject_en else campaign.subject
        body = campaign.body_en if english and campaign.body_en else campaign.body
        try:
            _send(email, language, subject, "campaign", {"body": body, "subject": subject})
        except Exception:
            EmailDelivery.objects.filter(pk=delivery.pk).delete()
            raise
        sent += 1
    EmailCampaign.objects.filter(pk=campaign_id).update(
        status=EmailCampaign.Status.SENT, sent_count=campaign.deliveries.count()
    )
    return sent


def send_due_email_campaigns() -> int:
    due = EmailCampaign.objects.filter(
        status__in=[EmailCampaign.Status.SCHEDULED, EmailCampaign.Status.SENDING], scheduled_at__lte=clock.now()
    ).values_list("id", flat=True)
    return sum(send_email_campaign(pk) for pk in list(due))


def recovery_settings() -> CartRecovery:
    return CartRecovery.objects.get_or_create(pk=1)[0]


@transaction.atomic
def set_cart_recovery(*, is_active: bool, delay_minutes: int, coupon_code: str = "", actor=None) -> CartRecovery:
    from dianpu.promotions.models import Coupon

    errors = {}
    if not isinstance(delay_minutes, int) or not 10 <= delay_minutes <= 60 * 24 * 7:
        errors["delay_minutes"] = "delay_invalid"
    coupon = None
    if coupon_code:
        coupon = Coupon.objects.filter(code__iexact=coupon_code.strip()).first()
        if coupon is None:
            errors["coupon"] = "coupon_unknown"
    if errors:
        raise ValidationFailed({k: str(FIELD_ERRORS[v]) for k, v in errors.items()}, detail=str(MESSAGES["invalid"]))
    rule = recovery_settings()
    CartRecovery.objects.filter(pk=rule.pk).update(is_active=is_active, delay_minutes=delay_minutes, coupon=coupon)
    rule.refresh_from_db()
    record_audit(
        actor=actor,
        action="cart_recovery.changed",
        obj=rule,
        changes={"delay_minutes": ("", delay_minutes), "coupon": ("", coupon_code)},
    )
    return rule


def send_abandoned_cart_reminders() -> int:
    """One e-mail per abandoned cart (with an e-mail, lines, not checked out, idle past the
    delay), with the recovery coupon when one is set. Returns how many were sent."""
    rule = recovery_settings()
    if not rule.is_active:
        return 0
    now = clock.now()
    carts = (
        Cart.objects.filter(
            checked_out_at__isnull=True,
            updated_at__lt=now - timedelta(minutes=rule.delay_minutes),
            updated_at__gte=now - timedelta(days=7),
            lines__isnull=False,
            reminder__isnull=True,
        )
        .exclude(email="")
        .distinct()
        .prefetch_related("lines__variant__product")
    )
    blocked = set(Unsubscribe.objects.values_list("email", flat=True))
    languages = dict(Customer.objects.values_list("email", "language"))
    sent = 0
    for cart in carts:
        email = cart.email.strip().lower()
        if email in blocked:
            continue
        try:  # claimed (committed) first; sent outside the transaction; a failed send gives it back
            with transaction.atomic():
                reminder = CartReminder.objects.create(cart=cart, email=email, sent_at=now)
        except IntegrityError:
            continue
        language = languages.get(email, "zh-hans")
        with translation.override(language):
            subject = str(MESSAGES["cart_reminder_subject"]) % {"shop": get_shop_profile().name}
        try:
            _send(
                email,
                language,
                subject,
                "cart_reminder",
                {
                    "lines": list(cart.lines.all()),
                    "coupon": rule.coupon,
                    "cart_url": f"{settings.SITE_URL}/cart/restore/{cart.token}/",
                },
            )
        except Exception:
            CartReminder.objects.filter(pk=reminder.pk).delete()
            raise
        sent += 1
    return sent
