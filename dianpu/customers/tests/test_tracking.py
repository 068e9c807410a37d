"""Opened and clicked figures: the pixel marks a message opened, a tracked link records the click
and redirects only to our own site or an allowed host; a forged or altered link goes nowhere."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing

from dianpu.customers.models import Customer, OutreachMessage
from dianpu.customers.outreach import outreach_figures, schedule_outreach, send_due_outreach
from dianpu.customers.tracking import CLICK_SALT, allowed_target, click_url

from .builders import make_account

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 12, 7, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def path_of(url):
    return url[url.index("/t/") :]


def test_opens_and_clicks_are_counted_per_message_once(client, settings):
    settings.SITE_URL = "https://shop.example.com"
    settings.OUTREACH_LINK_HOSTS = ["weibo.com"]
    for email in ("a@example.com", "b@example.com"):
        c = make_account(email)
        Customer.objects.filter(pk=c.pk).update(consent_email=True)
    outreach = schedule_outreach(
        name="新品",
        channel="email",
        subject="新品上市",
        body="看看新品：https://shop.example.com/products/tea/ 还有 https://weibo.com/shop "
        "和 https://evil.example.net/x",
        scheduled_at=NOON,
    )
    send_due_outreach(NOON)
    first = next(m for m in mail.outbox if m.to == ["a@example.com"])
    html = first.alternatives[0][0]
    pixel = re.search(r'src="([^"]+\.gif)"', html).group(1)
    links = re.findall(r"https://shop\.example\.com/t/c/[^\s<>\"]+/", first.body)
    assert len(links) == 2 and "https://evil.example.net/x" in first.body  # not allowed: left untracked

    gif = client.get(path_of(pixel))
    assert gif.status_code == 200 and gif["Content-Type"] == "image/gif"
    client.get(path_of(pixel))  # a second load counts once
    assert outreach_figures(outreach)["opened"] == 1

    went = client.get(path_of(links[0]))
    assert went.status_code == 302 and went["Location"] == "https://shop.example.com/products/tea/"
    assert client.get(path_of(links[1]))["Location"] == "https://weibo.com/shop"
    figures = outreach_figures(outreach)
    assert (figures["sent"], figures["opened"], figures["clicked"]) == (2, 1, 1)
    assert OutreachMessage.objects.get(customer__email="a@example.com").clicked_at is not None


def test_no_open_redirect(client, settings):
    settings.SITE_URL = "https://shop.example.com"
    settings.OUTREACH_LINK_HOSTS = []
    for target in (
        "https://evil.example.net/",
        "javascript:alert(1)",
        "https://shop.example.com.evil.net/",
        "//evil.example.net/",
        "https:\\\\evil.example.net",
    ):
        assert not allowed_target(target), target
        forged = signing.dumps({"m": 1, "u": target}, salt=CLICK_SALT, compress=True)
        response = client.get(f"/t/c/{forged}/")
        assert response.status_code == 302 and response["Location"] == "/", target
    tampered = path_of(click_url(1, "https://shop.example.com/")).replace("/t/c/", "/t/c/x")
    assert client.get(tampered)["Location"] == "/"
    assert client.get("/t/o/not-a-token.gif").status_code == 200  # the image, nothing counted
