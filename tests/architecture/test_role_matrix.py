"""Who may use what: every API operation and every console page, and the roles allowed on it.

The table below is the access policy, written down; the test asks the running app, one request
per role per route (see role_probe.py for how), and fails when the app and the table disagree,
or when a route exists that the table does not list. A new endpoint or page: add its row here,
with the roles that need it (the reasoning per role is in docs/guide/staff-and-roles.md).

Values: "everyone" (no sign-in needed), "staff" (any role), or role codes separated by spaces.
"""

import pytest
from django.test import Client

from dianpu.accounts.tests.builders import make_staff, token_for
from dianpu.catalog.tests.builders import make_product
from dianpu.orders.tests.builders import place_test_order

from .role_probe import (
    ANONYMOUS, ROLE_CODES, Objects, api_routes, api_verdict, call_api, call_console, console_routes, console_url,
    console_verdict,
)

pytestmark = pytest.mark.django_db

API_ACCESS: dict[str, str] = {
}

CONSOLE_ACCESS: dict[str, str] = {
}


def allowed_roles(spec: str) -> set[str]:
    if spec == "everyone":
        return {ANONYMOUS, *ROLE_CODES}
    if spec == "staff":
        return set(ROLE_CODES)
    roles = set(spec.split())
    assert roles <= set(ROLE_CODES), f"unknown role in {spec!r}"
    return roles


def spec_of(roles: set[str]) -> str:
    if roles == {ANONYMOUS, *ROLE_CODES}:
        return "everyone"
    if roles == set(ROLE_CODES):
        return "staff"
    return " ".join(r for r in ROLE_CODES if r in roles)


@pytest.fixture
def objects(db):
    product = make_product(name="纯棉T恤", name_en="Cotton T-shirt", price="59.00", stock=5, skus=["TEE-M"])
    order = place_test_order({"TEE-M": 1})
    return Objects({"slug": product.slug, "number": order.number, "order_number": order.number, "sku": "TEE-M",
                    "kind": "order_confirmed", "language": "zh-hans"})


def observed(routes, ask) -> dict[str, set[str]]:
    """route -> roles the app let through."""
    let_through = {route: set() for route in routes}
    for role in (ANONYMOUS, *ROLE_CODES):
        user = None if role == ANONYMOUS else make_staff(role, username=f"matrix-{role}")
        for route in routes:
            if ask(route, user) == "allowed":
                let_through[route].add(role)
    return let_through


def compare(table: dict[str, str], routes: list[str], seen: dict[str, set[str]]) -> list[str]:
    problems = [f"not in the table: {r!r}: {spec_of(seen[r])!r}," for r in routes if r not in table]
    problems += [f"in the table but gone: {r!r}" for r in table if r not in routes]
    for route in routes:
        if route in table and seen[route] != allowed_roles(table[route]):
            problems.append(f"{route!r}: table says {table[route]!r}, the app lets through {spec_of(seen[route])!r}")
    return problems


def test_every_api_operation_lets_through_exactly_the_roles_in_the_table(objects):
    document = Client().get("/api/v1/openapi.json").json()
    routes = api_routes(document)
    tokens = {}

    def ask(route, user):
        token = None
        if user is not None:
            token = tokens.setdefault(user.pk, token_for(user))
        return api_verdict(call_api(Client(), document, route, objects, token))

    problems = compare(API_ACCESS, routes, observed(routes, ask))
    assert not problems, "\n".join(problems)


def test_every_console_page_lets_through_exactly_the_roles_in_the_table(objects):
    patterns = console_routes()
    routes = sorted(patterns)
    clients = {}

    def ask(route, user):
        key = user.pk if user else None
        if key not in clients:
            clients[key] = Client()
            if user is not None:
                clients[key].force_login(user)
        return console_verdict(call_console(clients[key], console_url(patterns[route], objects)))

    problems = compare(CONSOLE_ACCESS, routes, observed(routes, ask))
    assert not problems, "\n".join(problems)
