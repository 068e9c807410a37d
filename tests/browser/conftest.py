"""What every browser test needs: Debian's Chromium through Playwright, a page on a live server,
and signing in to the console.

A live server needs committed rows; the tests mark themselves
`django_db(transaction=True, serialized_rollback=True)` so what migrations made (roles, warehouse,
shipping methods) is restored around the flush.
"""

import os
import sys
from pathlib import Path

import pytest
from django.db import connections

from dianpu.accounts.tests.builders import PASSWORD

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import browser  # noqa: E402  (scripts/browser.py: launches Debian's Chromium)


@pytest.fixture(scope="session")
def shared_chromium():
    """One Chromium per test process (each xdist worker its own), started by the first browser test
    and kept for the others: starting it costs more than most browser tests take. Each test opens
    its own contexts (cookies, storage and cache are per context), closed when the test ends."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
    if browser.chromium_path() is None:
        pytest.skip("no Chromium at /usr/bin/chromium: run `make browser-deps` (apt-get install chromium)")
    # Playwright's sync API keeps an event loop running in this thread from now on; the ORM calls
    # the tests make between browser steps are ordinary synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_api.sync_playwright().start()
    launched = browser.launch(playwright)
    yield launched
    launched.close()
    playwright.stop()
    connections.close_all()


class BrowserOfOneTest:
    """The shared Chromium as one test sees it: contexts it opens get the suite's defaults, are
    closed when the test ends, and report JavaScript errors."""

    def __init__(self, launched):
        self._launched = launched
        self.contexts: list = []
        self.errors: list[str] = []

    def new_context(self, **options):
        context = self._launched.new_context(**{"locale": "zh-CN", "viewport": {"width": 1280, "height": 900},
                                                **options})
        context.set_default_timeout(15_000)
        context.on("page", lambda tab: tab.on("pageerror", lambda error: self.errors.append(str(error))))
        self.contexts.append(context)
        return context

    def new_page(self, **options):
        return self.new_context(**options).new_page()

    @property
    def version(self) -> str:
        return self._launched.version

    def close_contexts(self):
        for context in self.contexts:
            try:
                context.close()
            except Exception:  # noqa: BLE001 (closed by the test already)
                pass
        self.contexts.clear()


@pytest.fixture
def chromium(live_server, shared_chromium):
    """A running Chromium; every context it opens is closed and checked for JavaScript errors."""
    test_browser = BrowserOfOneTest(shared_chromium)
    yield test_browser
    test_browser.close_contexts()
    # Code running under Playwright's sync API has its own execution context, hence its own
    # database connection: close it, or PostgreSQL refuses to drop the test database.
    connections.close_all()
    assert not test_browser.errors, f"JavaScript errors in the pages: {test_browser.errors}"


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
