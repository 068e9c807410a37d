"""What every browser test needs: Debian's Chromium through Playwright, a page on a live server,
and signing in to the console.

A live server needs committed rows; the tests mark themselves
`django_db(transaction=True, serialized_rollback=True)` so what migrations made (roles, warehouse,
shipping methods) is restored around the flush.
"""

import sys
from pathlib import Path

import pytest
from django.db import connections

from dianpu.accounts.tests.builders import PASSWORD

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import browser  # noqa: E402  (scripts/browser.py: launches Debian's Chromium)


@pytest.fixture
def chromium(live_server, monkeypatch):
    """A running Chromium; every context it opens is closed and checked for JavaScript errors."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
    if browser.chromium_path() is None:
        pytest.skip("no Chromium at /usr/bin/chromium: run `make browser-deps` (apt-get install chromium)")
    # Playwright's sync API keeps an event loop running in this thread; the ORM calls the test
    # makes between browser steps are ordinary synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        launched = browser.launch(playwright)
        errors: list[str] = []
        original = launched.new_context

        def new_context(**options):
            context = original(**{"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}, **options})
            context.set_default_timeout(15_000)
            context.on("page", lambda tab: tab.on("pageerror", lambda error: errors.append(str(error))))
            return context

        launched.new_context = new_context
        yield launched
        for context in launched.contexts:
            context.close()
        launched.close()
        # Code running under Playwright's sync API has its own execution context, hence its
        # own database connection: close it, or PostgreSQL refuses to drop the test database.
        connections.close_all()
        assert not errors, f"JavaScript errors in the pages: {errors}"


@pytest.fixture
def page(chromium):
    return chromium.new_context().new_page()


def console_login(page, base: str, username: str, then: str = "/console/") -> None:
    """Sign in to the console as `username` (made with make_staff) and land on `then`."""
    page.goto(f"{base}/console/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/console/login/" not in url)
