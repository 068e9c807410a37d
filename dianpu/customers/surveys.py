"""Surveys: a CSAT question by e-mail after delivery, NPS asked by period; answers through signed
links (no sign-in needed), one per customer and survey; results per product, segment and period."""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dianpu.core import clock
from dianpu.core.errors import DomainError
from dianpu.core.sanitize import clean_text

from .domain.surveys import csat_percent, is_valid_score, nps
from .messages import MESSAGES
from .models import Customer, SurveyInvite, SurveyResponse

SALT = "dianpu.customers.survey"


def survey_token(customer_id: int, kind: str, subject: str) -> str:
    return signing.dumps({"c": customer_id, "k": kind, "s": subject}, salt=SALT, compress=True)


def read_token(token: str) -> dict:
    try:
        return signing.loads(token, salt=SALT, max_age=60 * 60 * 24 * 60)
    except signing.BadSignature:
        raise DomainError(str(MESSAGES["link_invalid"]), code="link_invalid", status=400) from None


CSAT_AFTER_DAYS = 3


def ask_due_csat(now=None) -> int:
    """Three days after delivery (the worker, daily): one CSAT question per delivered order."""
    from datetime import timedelta

    now = now or clock.now()
    since, until = now - timedelta(days=CSAT_AFTER_DAYS + 1), now - timedelta(days=CSAT_AFTER_DAYS)
    rows = Customer.objects.filter(
        erased_at__isnull=True, orders__delivered_at__gte=since, orders__delivered_at__lt=until
    ).values_list("orders__id", flat=True)
    return sum(1 for order_id in list(rows) if ask_csat(order_id))


def ask_csat(order_id: int) -> bool:
    """E-mail the buyer one question about a delivered order, once (a row first, then the mail)."""
    customer = Customer.objects.filter(orders__id=order_id, erased_at__isnull=True).first()
    if customer is None:
        return False
    number = customer.orders.filter(pk=order_id).values_list("number", flat=True).first()
    try:
        with transaction.atomic():
            SurveyInvite.objects.create(customer=customer, kind="csat", subject=number, sent_at=clock.now())
    except IntegrityError:
        return False
    url = settings.SITE_URL + reverse("storefront:survey", args=[survey_token(customer.pk, "csat", number)])
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        subject = _("您对订单 %(number)s 满意吗？") % {"number": number}
        body = _("您的订单 %(number)s 已签收。请花 10 秒钟给这次购物打个分（1–5 分）：") % {"number": number}
    send_mail(subject, f"{body}\n{url}\n", settings.DEFAULT_FROM_EMAIL, [customer.email])
    return True


def ask_nps(period: str, segment: str = "") -> int:
    """Ask the NPS question for a period ("2026-Q4") of customers who agreed to e-mail (optionally
    one segment), once each."""
    qs = Customer.objects.filter(erased_at__isnull=True, consent_email=True)
    sent = 0
    for customer in qs:
        if segment and segment not in (customer.segments or []):
            continue
        try:
            with transaction.atomic():
                SurveyInvite.objects.create(customer=customer, kind="nps", subject=period[:40], sent_at=clock.now())
        except IntegrityError:
            continue
        url = settings.SITE_URL + reverse("storefront:survey", args=[survey_token(customer.pk, "nps", period[:40])])
        with translation.override(customer.language or settings.LANGUAGE_CODE):
            subject = _("您会向朋友推荐我们吗？")
            body = _("从 0 到 10 分，您有多大可能把我们推荐给朋友或同事？")
        send_mail(subject, f"{body}\n{url}\n", settings.DEFAULT_FROM_EMAIL, [customer.email])
        sent += 1
    return sent


def answer_survey(token: str, score, comment: str = "") -> SurveyResponse:
    data = read_token(token)
    if not is_valid_score(data["k"], score):
        raise DomainError(str(MESSAGES["survey_score_invalid"]), code="survey_score_invalid", status=422)
    customer = Customer.objects.filter(pk=data["c"], erased_at__isnull=True).first()
    if customer is None:
        raise DomainError(str(MESSAGES["link_invalid"]), code="link_invalid", status=400)
    skus = []
    if data["k"] == "csat":
        skus = sorted(set(customer.orders.filter(number=data["s"]).values_list("lines__sku", flat=True)) - {None})
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                customer=customer,
                kind=data["k"],
                subject=data["s"],
                skus=skus,
                score=score,
                comment=clean_text(comment or "")[:1000],
                segments=list(customer.segments or []),
                created_at=clock.now(),
            )
            if data["k"] == "csat" and customer.has_account:
                from .rewards import reward_first_review

                reward_first_review(customer.pk)  # once: the ledger's unique reference
            return response
    except IntegrityError:
        raise DomainError(str(MESSAGES["survey_answered"]), code="survey_answered", status=409) from None


def survey_results() -> dict:
    """CSAT per product and per segment, NPS per period."""
    per_sku: dict[str, list[int]] = {}
    per_segment: dict[str, list[int]] = {}
    for skus, segments, score in SurveyResponse.objects.filter(kind="csat").values_list("skus", "segments", "score"):
        for sku in skus or ():
            per_sku.setdefault(sku, []).append(score)
        for segment in segments or ():
            per_segment.setdefault(segment, []).append(score)
    per_period: dict[str, list[int]] = {}
    for period, score in SurveyResponse.objects.filter(kind="nps").values_list("subject", "score"):
        per_period.setdefault(period, []).append(score)
    overall = SurveyResponse.objects.filter(kind="csat").aggregate(n=Count("id"), avg=Avg("score"))
    return {
        "csat": {
            "answers": overall["n"],
            "satisfied_percent": csat_percent(
                list(SurveyResponse.objects.filter(kind="csat").values_list("score", flat=True))
            ),
        },
        "csat_by_product": [
            {"sku": k, "answers": len(v), "satisfied_percent": csat_percent(v)} for k, v in sorted(per_sku.items())
        ],
        "csat_by_segment": [
            {"segment": k, "answers": len(v), "satisfied_percent": csat_percent(v)}
            for k, v in sorted(per_segment.items())
        ],
        "nps_by_period": [{"period": k, "answers": len(v), "nps": nps(v)} for k, v in sorted(per_period.items())],
    }
