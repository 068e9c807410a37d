"""Outreach (客户触达): messages to a segment by e-mail or SMS, holiday greetings scheduled ahead,
birthday greetings, unsubscribe and quiet hours. The worker sends: each recipient gets a row first
(committed, once), then the e-mail or SMS goes out outside any transaction, then the row says
whether the provider took it."""

from datetime import datetime, time

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dianpu.audit.services import record_audit
from dianpu.core import clock
from dianpu.core.errors import DomainError, ValidationFailed
from dianpu.messaging.providers import SmsMessage, get_sms_provider

from .domain.outreach import holidays, is_quiet
from .domain.segments import RFM_SEGMENTS
from .messages import GREETINGS, MESSAGES, UNSUBSCRIBE_LINE
from .models import PHONE_ONLY_DOMAIN, Customer, Outreach, OutreachMessage, Segment
from .tracking import html_body, track_links

UNSUBSCRIBE_SALT = "dianpu.customers.unsubscribe"
GREETING_HOUR = 10


def _fail(errors: dict) -> ValidationFailed:
    return ValidationFailed({k: str(MESSAGES[v]) for k, v in errors.items()})


@transaction.atomic
def schedule_outreach(
    *,
    name: str,
    channel: str,
    segment: str = "",
    subject: str = "",
    body: str = "",
    subject_en: str = "",
    body_en: str = "",
    sms_template: str = "",
    coupon_code: str = "",
    scheduled_at=None,
    occasion: str = "",
    actor=None,
) -> Outreach:
    errors = {}
    if channel not in Outreach.Channel.values:
        errors["channel"] = "outreach_channel"
    if (
        segment
        and segment not in RFM_SEGMENTS + ("birthday", "win_back")
        and not Segment.objects.filter(code=segment).exists()
    ):
        errors["segment"] = "outreach_segment_unknown"
    if channel == "email" and not (subject.strip() and body.strip()) and not occasion:
        errors["body"] = "outreach_body_required"
    if channel == "sms" and not sms_template.strip():
        errors["sms_template"] = "outreach_template_required"
    if scheduled_at is None:
        errors["scheduled_at"] = "outreach_time_required"
    if errors:
        raise _fail(errors)
    outreach = Outreach.objects.create(
        name=(name or occasion)[:100],
        channel=channel,
        segment=segment,
        subject=subject[:150],
        body=body,
        subject_en=subject_en[:150],
        body_en=body_en,
        sms_template=sms_template[:40],
        coupon_code=coupon_code[:40],
        scheduled_at=scheduled_at,
        occasion=occasion,
        created_at=clock.now(),
    )
    record_audit(actor=actor, action="customers.outreach_scheduled", obj=outreach, object_repr=outreach.name)
    return outreach


def schedule_holiday_greetings(year: int, channel: str = "email") -> list[Outreach]:
    """The year's greetings (春节, 618, 中秋, 双十一) scheduled ahead; running it again adds nothing."""
    made = []
    tz = timezone.get_current_timezone()
    for occasion, day in holidays(year):
        at = datetime.combine(day, time(GREETING_HOUR), tzinfo=tz)
        if Outreach.objects.filter(occasion=occasion, scheduled_at=at).exists():
            continue
        try:
            with transaction.atomic():
                made.append(
                    schedule_outreach(
                        name=f"{occasion} {year}",
                        channel=channel,
                        occasion=occasion,
                        scheduled_at=at,
                        sms_template=settings.OUTREACH_SMS_TEMPLATE,
                    )
                )
        except IntegrityError:
            continue
    return made


def schedule_birthday_greetings(today) -> Outreach | None:
    """Today's birthday greeting (to customers born on this day who agreed), once a day."""
    at = datetime.combine(today, time(GREETING_HOUR), tzinfo=timezone.get_current_timezone())
    if Outreach.objects.filter(occasion="birthday", scheduled_at=at).exists():
        return None
    try:
        with transaction.atomic():
            return schedule_outreach(
                name=f"birthday {today.isoformat()}",
                channel="email",
                segment="birthday",
                occasion="birthday",
                scheduled_at=at,
            )
    except IntegrityError:
        return None


def recipients(outreach: Outreach):
    qs = Customer.objects.filter(erased_at__isnull=True)
    qs = (
        qs.filter(consent_email=True).exclude(email__endswith=PHONE_ONLY_DOMAIN)
        if outreach.channel == "email"
        else qs.filter(consent_sms=True).exclude(phone="")
    )
    if outreach.segment == "birthday":
        day = timezone.localtime(outreach.scheduled_at).date()
        return qs.filter(birthday__month=day.month, birthday__day=day.day)
    if outreach.segment == "win_back":  # those given a win-back coupon that day (rewards.issue_win_back)
        day = timezone.localtime(outreach.scheduled_at).date()
        return qs.filter(member_coupons__source="win_back", member_coupons__reference=day.isoformat())
    if outreach.segment:
        ids = [
            cid
            for cid, segs in qs.exclude(segments=[]).values_list("id", "segments")
            if outreach.segment in (segs or [])
        ]
        return qs.filter(pk__in=ids)
    return qs


def unsubscribe_token(customer: Customer) -> str:
    return signing.dumps(customer.pk, salt=UNSUBSCRIBE_SALT)


def unsubscribe(token: str) -> Customer:
    """The link in every marketing e-mail: no more marketing e-mail (service e-mails still go)."""
    try:
        customer_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise DomainError(str(MESSAGES["link_invalid"]), code="link_invalid", status=400) from None
    Customer.objects.filter(pk=customer_id).update(consent_email=False)
    return Customer.objects.get(pk=customer_id)


def _coupon_code(outreach: Outreach, customer: Customer) -> str:
    """The coupon the message carries: the outreach's shared code, or the customer's own win-back one."""
    if outreach.occasion == "win_back":
        day = timezone.localtime(outreach.scheduled_at).date().isoformat()
        return (
            customer.member_coupons.filter(source="win_back", reference=day).values_list("code", flat=True).first()
            or ""
        )
    return outreach.coupon_code


def _email_text(outreach: Outreach, customer: Customer, message_id: int | None = None) -> tuple[str, str]:
    english = translation.get_language() == "en"
    name = customer.name or _("亲爱的顾客")
    if outreach.occasion in GREETINGS and not outreach.body:
        subject, body = GREETINGS[outreach.occasion]
        subject, body = str(subject), str(body) % {"name": name}
    else:
        subject = outreach.subject_en if english and outreach.subject_en else outreach.subject
        body = (outreach.body_en if english and outreach.body_en else outreach.body).replace("{{ name }}", name)
    code = _coupon_code(outreach, customer)
    if code:
        body += "\n\n" + _("您的专属券码：%(code)s") % {"code": code}
    if message_id is not None:
        body = track_links(body, message_id)
    url = settings.SITE_URL + reverse("storefront:account-unsubscribe", args=[unsubscribe_token(customer)])
    return subject, body + "\n\n" + str(UNSUBSCRIBE_LINE) % {"url": url} + "\n"


def _deliver(outreach: Outreach, message: OutreachMessage, customer: Customer) -> None:
    if outreach.channel == "email":
        try:
            with translation.override(customer.language or settings.LANGUAGE_CODE):
                subject, body = _email_text(outreach, customer, message.pk)
            send_mail(
                subject, body, settings.DEFAULT_FROM_EMAIL, [customer.email], html_message=html_body(body, message.pk)
            )
            ok, provider_id, error = True, "", ""
        except OSError as exc:
            ok, provider_id, error = False, "", str(exc)[:200]
    else:
        params = {"name": customer.name or "", "coupon": _coupon_code(outreach, customer)}
        result = get_sms_provider().send(
            SmsMessage(customer.phone, outreach.sms_template, params, reference=f"O{outreach.pk}-{customer.pk}")
        )
        ok, provider_id = result.accepted, result.provider_id
        error = f"{result.error_code} {result.error_message}".strip()[:200]
    OutreachMessage.objects.filter(pk=message.pk, status=OutreachMessage.Status.PENDING).update(
        status=OutreachMessage.Status.DELIVERED if ok else OutreachMessage.Status.FAILED,
        provider_id=provider_id,
        error="" if ok else error,
        sent_at=clock.now(),
    )


def send_due_outreach(now=None) -> int:
    """Send what is due (the worker, every few minutes); nothing during quiet hours. A customer
    already messaged for an outreach is skipped, so a second run sends nothing twice."""
    now = now or clock.now()
    if is_quiet(timezone.localtime(now).hour, settings.OUTREACH_QUIET_HOURS):
        return 0
    sent = 0
    for outreach in Outreach.objects.filter(status__in=["scheduled", "sending"], scheduled_at__lte=now):
        Outreach.objects.filter(pk=outreach.pk, status="scheduled").update(status="sending")
        for customer in recipients(outreach).iterator():
            try:
                with transaction.atomic():
                    message = OutreachMessage.objects.create(outreach=outreach, customer=customer, created_at=now)
            except IntegrityError:
                continue  # messaged already
            _deliver(outreach, message, customer)  # outside any transaction: the network is slow
            sent += 1
        Outreach.objects.filter(pk=outreach.pk, status="sending").update(status="sent")
    return sent


def outreach_figures(outreach: Outreach) -> dict:
    from django.db.models import Count

    counts = dict(outreach.messages.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    delivered, failed = counts.get("delivered", 0), counts.get("failed", 0)
    opened = outreach.messages.filter(opened_at__isnull=False).count()
    clicked = outreach.messages.filter(clicked_at__isnull=False).count()
    return {
        "sent": sum(counts.values()),
        "delivered": delivered,
        "failed": failed,
        "opened": opened,
        "clicked": clicked,
    }
