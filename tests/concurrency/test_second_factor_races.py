"""Staff security under concurrency: one TOTP code (one time step) and one recovery code are
accepted once however many requests send it at the same moment; a token used by many requests at
once writes one audit entry for the hour."""

from datetime import UTC, datetime

import pytest

from dianpu.accounts import signin
from dianpu.accounts.domain import totp
from dianpu.accounts.models import RecoveryCode, TwoFactor
from dianpu.accounts.services import check_token, create_api_token
from dianpu.accounts.tests.builders import make_staff
from dianpu.audit.models import AuditEntry
from dianpu.core import clock
from dianpu.core.errors import DomainError

from .racing import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.concurrency]
T0 = datetime(2026, 12, 1, 9, 0, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(T0)
    yield
    clock.freeze(None)


def _enrolled(username):
    user = make_staff("owner", username=username)
    pending = signin.start_enrolment(user=user)
    codes = signin.confirm_enrolment(user=user, code=totp.totp(pending.secret, (T0.timestamp() - 30)))
    return user, TwoFactor.objects.get(user=user).secret, codes


def _verify(user, code):
    def attempt(_i):
        try:
            return signin.verify_second_factor(user=user, code=code)
        except DomainError as exc:
            return exc.code

    return attempt


def test_one_totp_code_sent_at_once_signs_in_once():
    user, secret, _codes = _enrolled("racer")
    results = run_in_threads(6, _verify(user, totp.totp(secret, T0.timestamp())))
    assert sorted(results, key=str) == ["totp"] + ["totp_wrong"] * 5


def test_one_recovery_code_sent_at_once_is_spent_once():
    user, _secret, codes = _enrolled("racer2")
    results = run_in_threads(6, _verify(user, codes[3]))
    assert sorted(results, key=str) == ["recovery"] + ["totp_wrong"] * 5
    assert RecoveryCode.objects.filter(user=user, used_at__isnull=False).count() == 1


def test_a_token_used_at_once_is_audited_once_for_the_hour():
    key = create_api_token(user=make_staff("owner", username="robot"), scopes="orders:read")
    results = run_in_threads(8, lambda _i: check_token(key).pk)
    assert len(set(results)) == 1 and not isinstance(results[0], Exception)
    assert AuditEntry.objects.filter(action="security.token_used").count() == 1
