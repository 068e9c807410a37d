"""The owner sets up two-factor in the browser (QR code, confirm a code, recovery codes shown),
then signs in with password and code; the security pages raise no browser error."""

import time

import pytest

from dianpu.accounts.domain import totp
from dianpu.accounts.models import TwoFactor
from dianpu.accounts.tests.builders import PASSWORD, make_staff
from tests.browser.conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_owner_sets_up_two_factor_and_signs_in_with_a_code(page, chromium, live_server):
    owner = make_staff("owner")
    console_login(page, live_server.url, "owner", then="/console/staff/security/")
    page.click("#security-links a[href='/console/staff/two-factor/']")
    page.click("form[action='/console/staff/two-factor/start/'] button")
    page.wait_for_selector("#two-factor-enrol img")
    assert page.locator("#two-factor-enrol img").evaluate("img => img.naturalWidth") > 100
    secret = page.inner_text("#two-factor-secret").replace(" ", "")
    assert secret == TwoFactor.objects.get(user=owner).secret
    page.fill("#two-factor-enrol input[name=code]", totp.totp(secret, time.time()))
    page.click("#two-factor-enrol button[type=submit]")
    page.wait_for_selector("#recovery-codes")
    assert len(page.locator("#recovery-codes code").all()) == 10

    page = chromium.new_context().new_page()  # another browser: sign in afresh
    page.goto(f"{live_server.url}/console/login/")
    page.fill("input[name=username]", "owner")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in/verify/" in url)
    page.fill("input[name=code]", "000000")
    page.click("form button[type=submit]")
    assert page.locator("[role=alert]").is_visible()
    page.fill("input[name=code]", totp.totp(secret, time.time() + totp.STEP_SECONDS))  # the next step: not a replay
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/console"))
    page.goto(f"{live_server.url}/console/staff/security/")
    assert page.locator("#sessions tbody tr").count() == 2  # the first browser and this one
    assert page.locator("#sessions .badge").count() == 1  # "this session"
