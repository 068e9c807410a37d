"""Fixtures shared by every app's tests: staff per role, API clients with tokens."""

import json
import os

import pytest
from django.test import Client
from hypothesis import HealthCheck, settings

from dianpu.accounts.tests.builders import make_staff, token_for
from tests import database_template

database_template.run_key()  # set here, in the first process, so every xdist worker shares it

# Property tests judge results, not speed: CI shares two cores with other work, so generation
# time and per-example deadlines are not checked (benchmarks in bench/ measure speed). The examples
# are the same on every run (derandomize), so a red run can be reproduced and a green one is not
# luck; `HYPOTHESIS_PROFILE=explore` draws fresh examples for a deliberate search.
settings.register_profile(
    "dianpu", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True, database=None
)
settings.register_profile("explore", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dianpu"))


class ApiClient:
    """JSON in, JSON out, against /api/v1/, optionally as a staff user with a bearer token."""

    def __init__(self, token: str | None = None, language: str = "zh-hans"):
        self.client = Client()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if token:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def _call(self, method, path, body=None):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs = dict(self.headers)
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path, **params):
        from urllib.parse import urlencode

        return self._call("get", path + (("?" + urlencode(params)) if params else ""))

    def post(self, path, body=None):
        return self._call("post", path, body if body is not None else {})

    def patch(self, path, body):
        return self._call("patch", path, body)

    def delete(self, path):
        return self._call("delete", path)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's test databases, except that an xdist worker copies a template migrated
    once per run instead of running every migration itself (tests/database_template.py)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    worker = getattr(request.config, "workerinput", {}).get("workerid", "")
    keep = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        if worker and django_db_use_migrations and not keep:
            db_cfg = database_template.set_up_worker_databases(aliases, serialized_aliases, worker, verbosity)
        else:
            if not django_db_use_migrations:
                from pytest_django.fixtures import _disable_migrations

                _disable_migrations()
            db_cfg = setup_databases(
                verbosity=verbosity,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
                keepdb=keep,
            )
    yield
    if not keep:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=verbosity)
        database_template.remove_worker_leftovers()


def pytest_sessionfinish(session):
    """The xdist controller (or the only process) drops the run's database templates and migrated
    data dir once every worker is done."""
    from pytest_django.plugin import blocking_manager_key

    if getattr(session.config, "workerinput", None) is None:
        with session.config.stash[blocking_manager_key].unblock():
            database_template.drop_templates()


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def api_en():
    return ApiClient(language="en")


@pytest.fixture
def staff_api(db):
    """staff_api("warehouse") -> an ApiClient acting as a new staff user of that role."""
    made = {}

    def for_role(role: str, language: str = "zh-hans") -> ApiClient:
        if role not in made:
            made[role] = make_staff(role)
        return ApiClient(token_for(made[role]), language=language)

    return for_role


@pytest.fixture
def staff(db):
    """staff("operator") -> a staff user of that role."""
    made = {}

    def for_role(role: str):
        if role not in made:
            made[role] = make_staff(role)
        return made[role]

    return for_role


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Each test starts with an empty cache (attempt budgets are in the database: rolled back)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _process_state_as_at_start():
    """A test starts in the default language with logging as configured, whatever the test
    before it on the same worker left behind (an activated English, a silenced logger)."""
    import logging

    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    logging.disable(logging.NOTSET)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        if name.startswith("dianpu") and isinstance(logger, logging.Logger):
            logger.disabled = False
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_network_inside_transactions(monkeypatch, settings):
    """Every test is also an architecture test: an HTTP connection, an SMTP connection or an
    e-mail handed to the backend while a transaction is open fails it (dianpu.core.outbound)."""
    import http.client
    import smtplib

    from django.core.mail.backends import locmem

    from dianpu.core.outbound import ensure_outside_transaction

    settings.DIANPU_OUTBOUND_GUARD = "raise"

    def guarded(original, what):
        def call(self, *args, **kwargs):
            ensure_outside_transaction(what(self))
            return original(self, *args, **kwargs)

        return call

    monkeypatch.setattr(
        http.client.HTTPConnection,
        "connect",
        guarded(http.client.HTTPConnection.connect, lambda conn: f"HTTP {conn.host}:{conn.port}"),
    )
    monkeypatch.setattr(smtplib.SMTP, "connect", guarded(smtplib.SMTP.connect, lambda _smtp: "SMTP"))
    monkeypatch.setattr(
        locmem.EmailBackend, "send_messages", guarded(locmem.EmailBackend.send_messages, lambda _backend: "e-mail")
    )


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Mark `serial` every test that commits for real (transactional database, a live server): such
    a test empties the database when it ends, so in a parallel run (`-n 2 -m "not serial"`, see
    scripts/test.sh) it would pull the data the migrations made from under the next test on the same
    worker. The serial tests run afterwards, in a pass of their own (on xdist workers too: each
    restores what the migrations made, on its worker's own database)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        uses_live_server = "live_server" in getattr(item, "fixturenames", ())
        if (
            uses_live_server
            or (marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0] is True)))
            or "transactional_db" in getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.serial)
        # `--dist loadgroup` (the serial pass) keeps a file's tests on one worker, as `loadfile`
        # does, except for tests that name a group of their own (the every-page crawl, per role).
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
    yield  # pytest selects (-m) and pytest-django orders (database tests first) in between
    # The tests that take longest go first (stable sort: the order is otherwise kept), so they do
    # not start last on one worker while the other has finished (scripts/test.sh runs both passes
    # with --no-loadscope-reorder to keep this order). After pytest-django's ordering, which put
    # the tests without a database (those that start `dianpu` processes) at the very end.
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


def pytest_collection_finish(session):
    """A test that commits for real must restore what the migrations made when it ends
    (`serialized_rollback=True`), or every test after it on that worker loses the roles, the
    warehouse and the shop's settings."""
    offenders = []
    for item in session.items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            offenders.append(item.nodeid)
    if offenders:
        raise pytest.UsageError("django_db(transaction=True) without serialized_rollback=True: " + ", ".join(offenders))
