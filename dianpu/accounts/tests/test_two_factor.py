"""Two-factor sign-in (TOTP, RFC 6238) with recovery codes, the shop's rule for owners and finance,
sign-in sessions, and the audit of every sign-in and failure."""

import base64
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from dianpu.accounts.domain import totp
from dianpu.accounts.models import RecoveryCode, SignInSession, TwoFactor
from dianpu.accounts.signin import set_policy
from dianpu.accounts.tests.builders import PASSWORD, make_staff
from dianpu.audit.models import AuditEntry
from dianpu.core import clock

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 1, 9, 0, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(T0)
    yield
    clock.freeze(None)


def code_at(secret: str, at: datetime) -> str:
    return totp.totp(secret, at.timestamp())


def enrol(client, user) -> tuple[str, list[str]]:
    client.force_login(user)
    assert client.post("/console/staff/two-factor/start/").status_code == 302
    secret = TwoFactor.objects.get(user=user).secret
    response = client.post("/console/staff/two-factor/confirm/", {"code": code_at(secret, clock.now())})
    assert response.status_code == 200
    client.logout()
    return secret, response.context["recovery_codes"]


def sign_in(client, username, password=PASSWORD):
    return client.post("/console/login/", {"username": username, "password": password})


def test_rfc_6238_test_vectors():
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert [totp.totp(secret, t) for t in (59, 1111111109, 1234567890, 2000000000)] == [
        "287082",
        "081804",
        "005924",
        "279037",
    ]


def test_enrolment_needs_a_right_code_then_gives_ten_recovery_codes():
    client, user = Client(), make_staff("finance")
    client.force_login(user)
    client.post("/console/staff/two-factor/start/")
    page = client.get("/console/staff/two-factor/")
    assert page.context["qr"].startswith("data:image/svg+xml")
    secret = TwoFactor.objects.get(user=user).secret
    wrong = client.post("/console/staff/two-factor/confirm/", {"code": "000000"})
    assert wrong.status_code == 422
    assert TwoFactor.objects.get(user=user).confirmed_at is None
    right = client.post("/console/staff/two-factor/confirm/", {"code": code_at(secret, clock.now())})
    codes = right.context["recovery_codes"]
    assert len(set(codes)) == 10
    assert TwoFactor.objects.get(user=user).confirmed_at == T0
    assert not RecoveryCode.objects.filter(code_hash__in=codes).exists()  # only hashes are kept
    assert AuditEntry.objects.filter(action="security.two_factor_enabled", actor_label="finance").count() == 1
    assert AuditEntry.objects.filter(action="security.two_factor_failed").count() == 1


def test_sign_in_asks_for_the_code_after_the_password_and_a_replayed_code_is_refused():
    user = make_staff("owner")
    secret, _codes = enrol(Client(), user)
    clock.freeze(T0 + timedelta(minutes=2))
    client = Client()
    response = sign_in(client, "owner")
    assert response.status_code == 302 and response["Location"] == "/console/staff/sign-in/verify/"
    assert client.get("/console/").status_code == 302  # not signed in yet
    code = code_at(secret, clock.now())
    response = client.post("/console/staff/sign-in/verify/", {"code": code})
    assert response.status_code == 302
    assert client.get("/console/").status_code == 200
    entry = AuditEntry.objects.filter(action="security.sign_in").latest("pk")
    assert (entry.actor_label, entry.reason) == ("owner", "totp")
    assert SignInSession.objects.filter(user=user, ended_at__isnull=True).count() == 1

    # Someone who saw that code and knows the password tries it within the same 30 seconds.
    thief = Client()
    sign_in(thief, "owner")
    replay = thief.post("/console/staff/sign-in/verify/", {"code": code})
    assert replay.status_code == 422
    assert thief.get("/console/").status_code == 302


def test_wrong_codes_are_throttled_even_the_right_one_then():
    user = make_staff("owner")
    secret, _codes = enrol(Client(), user)
    clock.freeze(T0 + timedelta(minutes=2))
    client = Client()
    sign_in(client, "owner")
    for _ in range(5):
        assert client.post("/console/staff/sign-in/verify/", {"code": "123456"}).status_code == 422
    refused = client.post("/console/staff/sign-in/verify/", {"code": code_at(secret, clock.now())})
    assert refused.status_code == 429
    assert client.get("/console/").status_code == 302
    assert AuditEntry.objects.filter(action="security.two_factor_throttled").exists()
    assert AuditEntry.objects.filter(action="security.two_factor_failed").count() == 5


def test_a_recovery_code_signs_in_once():
    user = make_staff("owner")
    _secret, codes = enrol(Client(), user)
    client = Client()
    sign_in(client, "owner")
    assert client.post("/console/staff/sign-in/verify/", {"code": codes[0].upper()}).status_code == 302
    assert AuditEntry.objects.filter(action="security.recovery_code_used").count() == 1
    again = Client()
    sign_in(again, "owner")
    assert again.post("/console/staff/sign-in/verify/", {"code": codes[0]}).status_code == 422
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=True).count() == 9


def test_the_code_step_expires_after_five_minutes():
    user = make_staff("owner")
    secret, _codes = enrol(Client(), user)
    client = Client()
    sign_in(client, "owner")
    clock.freeze(T0 + timedelta(minutes=6))
    response = client.post("/console/staff/sign-in/verify/", {"code": code_at(secret, clock.now())})
    assert response.status_code == 302 and response["Location"] == "/console/login/"
    assert client.get("/console/").status_code == 302


def test_turning_two_factor_off_needs_a_current_code():
    user = make_staff("owner")
    secret, _codes = enrol(Client(), user)
    client = Client()
    client.force_login(user)
    assert client.post("/console/staff/two-factor/disable/", {"code": "999999"}).status_code == 422
    assert TwoFactor.objects.filter(user=user).exists()
    clock.freeze(T0 + timedelta(minutes=1))
    assert client.post("/console/staff/two-factor/disable/", {"code": code_at(secret, clock.now())}).status_code == 302
    assert not TwoFactor.objects.filter(user=user).exists() and not RecoveryCode.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="security.two_factor_disabled").count() == 1
    assert sign_in(Client(), "owner")["Location"] == "/console/"


def test_the_shop_rule_sends_owner_and_finance_to_enrol_first():
    owner, finance, clerk = make_staff("owner"), make_staff("finance"), make_staff("warehouse")
    set_policy(actor=owner, require_two_factor=True)
    for user in (owner, finance):
        client = Client()
        client.force_login(user)
        response = client.get("/console/orders/")
        assert response.status_code == 302 and response["Location"] == "/console/staff/two-factor/"
        assert client.get("/console/staff/two-factor/").status_code == 200
    client = Client()
    client.force_login(clerk)
    assert client.get("/console/").status_code == 200
    enrol(Client(), owner)
    client = Client()
    client.force_login(owner)
    assert client.get("/console/").status_code == 200


def test_only_the_owner_changes_the_rule():
    owner = make_staff("owner")
    client = Client()
    client.force_login(make_staff("finance"))
    assert client.post("/console/staff/security/policy/", {"require_two_factor": "on"}).status_code == 403
    client.force_login(owner)
    assert client.post("/console/staff/security/policy/", {"require_two_factor": "on"}).status_code == 302
    assert AuditEntry.objects.filter(action="security.policy_changed").count() == 1


def test_failed_and_successful_sign_ins_are_audited_with_the_address():
    make_staff("warehouse")
    client = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_in(client, "warehouse", "wrong-password").status_code == 200
    failed = AuditEntry.objects.get(action="security.sign_in_failed")
    assert (failed.object_repr, failed.ip_address, failed.reason) == ("warehouse", "203.0.113.9", "invalid_login")
    assert sign_in(client, "warehouse").status_code == 302
    assert AuditEntry.objects.get(action="security.sign_in").ip_address == "203.0.113.9"


def test_sessions_are_listed_and_one_ended_elsewhere_is_signed_out():
    make_staff("warehouse")
    laptop, phone = Client(HTTP_USER_AGENT="Laptop"), Client(HTTP_USER_AGENT="Phone")
    sign_in(laptop, "warehouse")
    sign_in(phone, "warehouse")
    sessions = laptop.get("/console/staff/security/").context["sessions"]
    assert {s.user_agent for s in sessions} == {"Laptop", "Phone"}
    phone_row = SignInSession.objects.get(user_agent="Phone")
    assert laptop.post(f"/console/staff/sessions/{phone_row.pk}/end/").status_code == 302
    assert phone.get("/console/").status_code == 302  # signed out there
    assert laptop.get("/console/").status_code == 200


def test_sign_out_everywhere_else_keeps_this_one():
    make_staff("warehouse")
    here, there, elsewhere = Client(), Client(), Client()
    for client in (here, there, elsewhere):
        sign_in(client, "warehouse")
    here.post("/console/staff/sessions/end-others/")
    assert here.get("/console/").status_code == 200
    assert there.get("/console/").status_code == 302 and elsewhere.get("/console/").status_code == 302
    assert SignInSession.objects.filter(ended_at__isnull=True).count() == 1


def test_a_member_cannot_end_someone_elses_session():
    make_staff("warehouse")
    make_staff("agent")
    victim = Client()
    sign_in(victim, "agent")
    row = SignInSession.objects.get(user__username="agent")
    attacker = Client()
    sign_in(attacker, "warehouse")
    attacker.post(f"/console/staff/sessions/{row.pk}/end/")
    assert victim.get("/console/").status_code == 200


def test_wrong_codes_are_throttled_per_address_across_accounts():
    secrets = {}
    for name in ("owner", "finance"):
        secrets[name], _codes = enrol(Client(), make_staff(name))
    clock.freeze(T0 + timedelta(minutes=2))
    guesser = "198.51.100.20"
    for name, tries in (("owner", 3), ("finance", 2)):
        client = Client(REMOTE_ADDR=guesser)
        sign_in(client, name)
        for _ in range(tries):
            assert client.post("/console/staff/sign-in/verify/", {"code": "000000"}).status_code == 422
    client = Client(REMOTE_ADDR=guesser)
    sign_in(client, "owner")
    assert (
        client.post("/console/staff/sign-in/verify/", {"code": code_at(secrets["owner"], clock.now())}).status_code
        == 429
    )
    elsewhere = Client(REMOTE_ADDR="203.0.113.80")  # the owner from their own address: the account's budget is left
    sign_in(elsewhere, "owner")
    assert (
        elsewhere.post("/console/staff/sign-in/verify/", {"code": code_at(secrets["owner"], clock.now())}).status_code
        == 302
    )


def test_old_sign_in_rows_are_purged_and_expired_ones_not_listed():
    from dianpu.accounts.signin import live_sessions, purge_old_sessions

    user = make_staff("warehouse")
    client = Client()
    sign_in(client, "warehouse")
    assert len(live_sessions(user)) == 1
    clock.freeze(T0 + timedelta(days=15))  # past the session cookie's two weeks
    assert live_sessions(user) == []
    assert purge_old_sessions() == 0
    clock.freeze(T0 + timedelta(days=91))
    assert purge_old_sessions() == 1
    assert AuditEntry.objects.filter(action="security.sign_in").count() == 1  # the audit log keeps it
