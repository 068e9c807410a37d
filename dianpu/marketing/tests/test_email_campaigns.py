"""E-mail campaigns by the worker (bilingual, once per address, unsubscribes honoured) and
abandoned-cart recovery with an optional coupon."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from dianpu.cart.models import Cart
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.core.errors import ValidationFailed
from dianpu.customers.models import Customer
from dianpu.marketing.email_campaigns import (
    schedule_email_campaign,
    send_abandoned_cart_reminders,
    send_due_email_campaigns,
    set_cart_recovery,
    unsubscribe_token,
)
from dianpu.marketing.models import EmailCampaign
from dianpu.promotions.tests.builders import make_coupon

pytestmark = pytest.mark.django_db


def customers():
    now = clock.now()
    Customer.objects.create(email="li@example.com", language="zh-hans", created_at=now)
    Customer.objects.create(email="amy@example.com", language="en", created_at=now)
    Customer.objects.create(email="gone@example.com", language="zh-hans", created_at=now)


def test_campaign_goes_once_to_each_address_in_their_language_and_skips_unsubscribed():
    customers()
    Client().post(f"/unsubscribe/{unsubscribe_token('gone@example.com')}/")
    schedule_email_campaign(
        name="双十一预告",
        subject="双十一来啦",
        subject_en="Singles' Day is here",
        body="全场满减",
        body_en="Spend and save",
        scheduled_at=clock.now() - timedelta(minutes=1),
    )
    assert send_due_email_campaigns() == 2
    assert send_due_email_campaigns() == 0  # a second run sends nothing again
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {"li@example.com", "amy@example.com"}
    assert (
        by_to["amy@example.com"].subject == "Singles' Day is here" and "Spend and save" in by_to["amy@example.com"].body
    )
    assert by_to["li@example.com"].subject == "双十一来啦" and "/unsubscribe/" in by_to["li@example.com"].body
    assert EmailCampaign.objects.get().status == "sent" and EmailCampaign.objects.get().sent_count == 2


def test_future_campaign_waits_and_bad_input_is_refused():
    customers()
    schedule_email_campaign(name="x", subject="s", body="b", scheduled_at=clock.now() + timedelta(days=1))
    assert send_due_email_campaigns() == 0 and mail.outbox == []
    with pytest.raises(ValidationFailed):
        schedule_email_campaign(name="", subject="s", body="b", audience="list", scheduled_at=clock.now())
    assert EmailCampaign.objects.count() == 1


def test_unsubscribe_asks_first_and_rejects_forged_links():
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    token = unsubscribe_token("li@example.com")
    assert "确认退订" in client.get(f"/unsubscribe/{token}/").content.decode()
    assert client.post(f"/unsubscribe/{token}forged/").status_code == 400
    assert 'id="unsubscribed"' in client.post(f"/unsubscribe/{token}/").content.decode()


def test_abandoned_cart_gets_one_reminder_after_the_delay_with_the_coupon():
    make_product(name="龙井", skus=["AB-1"], stock=5)
    make_coupon("COMEBACK", amount="10.00")
    set_cart_recovery(is_active=True, delay_minutes=60, coupon_code="COMEBACK")
    client = Client()
    client.post("/cart/add/", {"sku": "AB-1", "quantity": 1})
    cart = Cart.objects.get()
    Cart.objects.filter(pk=cart.pk).update(email="shopper@example.com", updated_at=clock.now() - timedelta(minutes=30))
    assert send_abandoned_cart_reminders() == 0
    Cart.objects.filter(pk=cart.pk).update(updated_at=clock.now() - timedelta(minutes=61))
    assert send_abandoned_cart_reminders() == 1
    assert send_abandoned_cart_reminders() == 0
    (message,) = mail.outbox
    assert "COMEBACK" in message.body and f"/cart/restore/{cart.token}/" in message.body and "龙井" in message.body
    fresh = Client()
    assert fresh.get(f"/cart/restore/{cart.token}/").status_code == 302
    assert "龙井" in fresh.get("/cart/").content.decode()


def test_console_email_page_schedules_and_sets_recovery():
    from dianpu.accounts.tests.builders import PASSWORD, make_staff

    user = make_staff("marketing", "mk4")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.login(username=user.username, password=PASSWORD)
    assert (
        client.post(
            "/console/marketing/emails/",
            {"action": "campaign", "name": "N", "subject": "S", "body": "B", "audience": "all"},
        ).status_code
        == 302
    )
    refused = client.post("/console/marketing/emails/", {"action": "recovery", "delay_minutes": "1"})
    assert refused.status_code == 422 and "between 10 minutes and 7 days" in refused.content.decode()
    assert EmailCampaign.objects.get().name == "N"


def test_a_checkout_attempt_leaves_the_email_on_the_cart_for_recovery():
    from dianpu.orders.tests.builders import ADDRESS

    make_product(name="龙井", skus=["AB-2"], stock=5)
    client = Client()
    client.post("/cart/add/", {"sku": "AB-2", "quantity": 1})
    response = client.post(
        "/checkout/",
        {
            "email": "Left@Example.com",
            **{**ADDRESS, "phone": ""},
            "shipping_method": "standard",
            "payment_method": "bank_transfer",
        },
    )
    assert response.status_code == 422  # phone missing: no order, but the cart knows who it was
    assert Cart.objects.get().email == "left@example.com"


def test_a_campaign_mail_that_fails_to_send_is_tried_again_by_the_next_run(monkeypatch):
    """The address is claimed in a short transaction and the mail sent after it (the mail server
    may be slow); a send that fails gives the claim back."""
    from django.core import mail as django_mail
    from django.core.mail.backends import locmem

    from dianpu.marketing.email_campaigns import send_email_campaign
    from dianpu.marketing.models import EmailCampaign, EmailDelivery

    campaign = EmailCampaign.objects.create(
        name="x",
        subject="上新",
        body="新品到店",
        audience="list",
        recipients="a@example.com",
        status=EmailCampaign.Status.SCHEDULED,
        scheduled_at=clock.now() - timedelta(minutes=1),
        created_at=clock.now(),
    )
    real = locmem.EmailBackend.send_messages

    def refuse(self, messages):
        raise ConnectionError("mail server down")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)
    with pytest.raises(ConnectionError):
        send_email_campaign(campaign.pk)
    assert EmailDelivery.objects.count() == 0 and django_mail.outbox == []
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", real)
    assert send_email_campaign(campaign.pk) == 1
    assert [m.to for m in django_mail.outbox] == [["a@example.com"]]
