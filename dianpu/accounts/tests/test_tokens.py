"""API tokens with scopes and expiry: the contract `dianpu createtoken USER --scopes orders:read`
reads orders and is refused writing them; `--expires-in-days N` stops working after N days."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from conftest import ApiClient
from dianpu.accounts.auth import AREA_ATTRIBUTE
from dianpu.accounts.domain.scopes import AREAS
from dianpu.accounts.models import ApiToken
from dianpu.accounts.services import create_api_token, revoke_api_token
from dianpu.accounts.tests.builders import make_staff
from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.core import clock
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import place_test_order

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    clock.freeze(T0)
    yield
    clock.freeze(None)


def createtoken(capsys, *args) -> str:
    call_command("createtoken", *args)
    return capsys.readouterr().out.strip()


@pytest.fixture
def order():
    make_product(skus=["TEE-1"], stock=5)
    return place_test_order({"TEE-1": 1})


def test_a_read_scope_lists_orders_and_is_refused_a_transition(capsys, order):
    make_staff("owner")
    client = ApiClient(createtoken(capsys, "owner", "--scopes", "orders:read"), language="en")
    listed = client.get("orders")
    assert listed.status_code == 200
    assert order.number in listed.content.decode()
    assert client.get(f"orders/{order.number}").status_code == 200

    refused = client.post(f"orders/{order.number}/transitions", {"action": "cancel", "reason": "test"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "token_scope"
    assert refused.json()["scope"] == "orders:write"
    assert Order.objects.get(pk=order.pk).status == order.status
    # Even an unparseable body is refused for the scope first (nothing about the input is revealed).
    assert client.post(f"orders/{order.number}/transitions", {}).status_code == 403


def test_a_token_is_refused_outside_its_areas_even_for_reads(capsys, order):
    make_staff("owner")
    client = ApiClient(createtoken(capsys, "owner", "--scopes", "orders:read"))
    for path in ("stock-levels", "warehouses", "customers"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.json()["code"] == "token_scope"


def test_write_implies_read_and_still_the_role_decides(capsys, order):
    make_staff("warehouse")
    client = ApiClient(createtoken(capsys, "warehouse", "--scopes", "orders:write,catalog:write"))
    assert client.get("orders").status_code == 200
    # A catalog:write token cannot do what the warehouse role may not: change a price.
    product = make_product(skus=["MUG-1"])
    response = client.patch(f"products/{product.slug}", {"variants": [{"sku": "MUG-1", "price": "1.00"}]})
    assert response.status_code in (403, 422)
    assert response.json()["code"] in ("forbidden", "invalid")
    product.refresh_from_db()
    assert product.variants.get().price != 1


def test_an_unscoped_token_does_all_its_user_may(capsys, order):
    make_staff("owner")
    client = ApiClient(createtoken(capsys, "owner"))
    assert client.get("orders").status_code == 200
    assert client.get("stock-levels").status_code == 200
    assert ApiToken.objects.get().scopes == ""


def test_an_expiring_token_stops_after_its_days_with_401(capsys, frozen, order):
    make_staff("owner")
    client = ApiClient(createtoken(capsys, "owner", "--scopes", "orders:read", "--expires-in-days", "3"), language="en")
    clock.freeze(T0 + timedelta(days=3) - timedelta(seconds=1))
    assert client.get("orders").status_code == 200
    clock.freeze(T0 + timedelta(days=3))
    response = client.get("orders")
    assert response.status_code == 401
    assert response.json() == {"code": "token_expired", "detail": "This API token has expired."}


def test_a_revoked_token_gets_401_with_its_code(order):
    owner = make_staff("owner")
    key = create_api_token(user=owner, scopes="orders:read")
    token = ApiToken.objects.get()
    assert revoke_api_token(token=token, actor=owner) is True
    assert revoke_api_token(token=token, actor=owner) is False  # a second revoke writes nothing
    response = ApiClient(key).get("orders")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"
    assert AuditEntry.objects.filter(action="permissions.token_revoked").count() == 1


def test_an_unknown_token_gets_401_unauthorized():
    response = ApiClient("dp_not-a-real-token").get("orders")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize("scopes", ["orders", "orders:admin", "everything:read", "orders:read;DROP", "*:write"])
def test_bad_scopes_are_refused_and_no_token_is_made(capsys, scopes):
    make_staff("owner")
    with pytest.raises(CommandError):
        call_command("createtoken", "owner", "--scopes", scopes)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", ["0", "-1", "99999"])
def test_bad_expiry_is_refused(days):
    make_staff("owner")
    with pytest.raises(CommandError):
        call_command("createtoken", "owner", "--expires-in-days", days)
    assert not ApiToken.objects.exists()


def test_scopes_are_stored_canonically():
    owner = make_staff("owner")
    create_api_token(user=owner, scopes="Orders:read, orders:write catalog:read")
    assert ApiToken.objects.get().scopes == "catalog:read orders:write"


def test_token_use_is_audited_at_most_once_an_hour(frozen, order):
    owner = make_staff("owner")
    client = ApiClient(create_api_token(user=owner, scopes="orders:read"))
    for _ in range(3):
        assert client.get("orders").status_code == 200
    assert AuditEntry.objects.filter(action="security.token_used").count() == 1
    clock.freeze(T0 + timedelta(minutes=61))
    assert client.get("orders").status_code == 200
    used = AuditEntry.objects.filter(action="security.token_used")
    assert used.count() == 2
    assert {e.actor_label for e in used} == {"owner"}
    assert ApiToken.objects.get().last_used_at == T0 + timedelta(minutes=61)


def test_every_api_operation_belongs_to_a_scope_area():
    """A new router cannot slip past the scopes: every operation is marked with a known area."""
    from dianpu.api import api

    api.urls  # noqa: B018 - builds the bound routers
    unmarked = []
    for bound in api._get_bound_routers():
        for path, path_view in bound.path_operations.items():
            for operation in path_view.operations:
                if getattr(operation.run, AREA_ATTRIBUTE, "") not in AREAS:
                    unmarked.append((path, operation.methods))
    assert unmarked == []


def test_a_read_token_cannot_write_by_any_method_even_as_owner():
    from dianpu.catalog.models import Product

    owner = make_staff("owner")
    product = make_product(skus=["CUP-1"], name="马克杯")
    client = ApiClient(create_api_token(user=owner, scopes="catalog:read orders:write"))
    attempts = [
        client.patch(f"products/{product.slug}", {"name": "被改了"}),
        client.delete(f"products/{product.slug}"),
        client.post("products", {"name": "新商品"}),
        client.post("banned-words", {"word": "最好"}),
    ]
    assert [(r.status_code, r.json()["code"]) for r in attempts] == [(403, "token_scope")] * 4
    assert list(Product.objects.values_list("name", flat=True)) == ["马克杯"]
    assert client.get(f"products/{product.slug}/price-history").status_code == 200  # reading is in scope
