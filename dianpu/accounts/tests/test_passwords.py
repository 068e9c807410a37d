"""Staff password change and reset: the reset link is signed, expires after an hour and works
once; asking answers the same whether the account exists; asking is throttled."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from dianpu.accounts.models import SignInSession
from dianpu.accounts.tests.builders import PASSWORD, make_staff
from dianpu.audit.models import AuditEntry
from dianpu.core import clock

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NEW = "Xin-mi-ma-2026!"


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(T0)
    yield
    clock.freeze(None)


@pytest.fixture
def clerk():
    user = make_staff("warehouse", username="xiaoli")
    get_user_model().objects.filter(pk=user.pk).update(email="xiaoli@example.com")
    return user


def ask(client, identifier, capture):
    with capture(execute=True):
        return client.post("/console/staff/password-reset/", {"identifier": identifier})


def link_in_last_mail() -> str:
    return re.search(r"http\S+/console/staff/password-reset/\S+/", mail.outbox[-1].body).group(0).split("8000", 1)[1]


def test_a_reset_link_sets_a_new_password_once_and_ends_every_sign_in(
    client, clerk, django_capture_on_commit_callbacks
):
    other = Client()
    other.post("/console/login/", {"username": "xiaoli", "password": PASSWORD})
    answer = ask(client, "XiaoLi@example.com", django_capture_on_commit_callbacks)
    assert answer.status_code == 200 and answer.context["sent"]
    assert mail.outbox[-1].to == ["xiaoli@example.com"]
    link = link_in_last_mail()
    assert client.get(link).status_code == 200
    done = client.post(link, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert get_user_model().objects.get(pk=clerk.pk).check_password(NEW)
    assert other.get("/console/").status_code == 302  # the old sign-in is over
    assert not SignInSession.objects.filter(ended_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="security.password_reset", actor_label="xiaoli").count() == 1
    # Used once: the same link no longer works.
    again = client.post(link, {"new_password1": "Another-pass-77!", "new_password2": "Another-pass-77!"})
    assert again.status_code == 400
    assert get_user_model().objects.get(pk=clerk.pk).check_password(NEW)


def test_an_expired_or_tampered_link_is_refused(client, clerk, django_capture_on_commit_callbacks):
    ask(client, "xiaoli", django_capture_on_commit_callbacks)
    link = link_in_last_mail()
    assert client.get(link[:-3] + "xx/").status_code == 400
    clock.freeze(T0 + timedelta(hours=1, seconds=1))
    assert client.post(link, {"new_password1": NEW, "new_password2": NEW}).status_code == 400
    assert get_user_model().objects.get(pk=clerk.pk).check_password(PASSWORD)
    assert client.get("/console/staff/password-reset/not-base64/abc-def/").status_code == 400


def test_a_weak_new_password_is_refused(client, clerk, django_capture_on_commit_callbacks):
    ask(client, "xiaoli", django_capture_on_commit_callbacks)
    link = link_in_last_mail()
    assert client.post(link, {"new_password1": "123", "new_password2": "123"}).status_code == 422
    assert get_user_model().objects.get(pk=clerk.pk).check_password(PASSWORD)


def test_the_same_answer_for_an_unknown_account_and_no_mail(client, clerk, django_capture_on_commit_callbacks):
    known = ask(client, "xiaoli", django_capture_on_commit_callbacks)
    unknown = ask(client, "nobody@example.com", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 200
    assert known.context["sent"] and unknown.context["sent"]
    assert 'id="reset-sent"' in known.content.decode() and 'id="reset-sent"' in unknown.content.decode()
    assert len(mail.outbox) == 1


def test_asking_is_throttled_per_account(client, clerk, django_capture_on_commit_callbacks):
    for n in range(8):
        ask(Client(REMOTE_ADDR=f"198.51.100.{n}"), "xiaoli", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 5
    assert AuditEntry.objects.filter(action="security.password_reset_throttled").exists()


def test_asking_is_throttled_per_address(clerk, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(7):
        ask(client, f"someone{n}", django_capture_on_commit_callbacks)
    ask(client, "xiaoli", django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_password_change_needs_the_old_password_and_ends_other_sign_ins(clerk):
    here, there = Client(), Client()
    for c in (here, there):
        c.post("/console/login/", {"username": "xiaoli", "password": PASSWORD})
    wrong = here.post(
        "/console/staff/password/", {"old_password": "nope", "new_password": NEW, "new_password_again": NEW}
    )
    assert wrong.status_code == 422
    ok = here.post(
        "/console/staff/password/", {"old_password": PASSWORD, "new_password": NEW, "new_password_again": NEW}
    )
    assert ok.status_code == 302
    assert here.get("/console/").status_code == 200
    assert there.get("/console/").status_code == 302
    assert SignInSession.objects.filter(ended_at__isnull=True).count() == 1
