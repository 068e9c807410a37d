"""The API token pages: each member sees and revokes their own; the owner sees and revokes all."""

import pytest

from conftest import ApiClient
from dianpu.accounts.models import ApiToken
from dianpu.accounts.services import create_api_token
from dianpu.accounts.tests.builders import make_staff
from dianpu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_member_creates_a_scoped_token_shown_once_and_it_works(client):
    clerk = make_staff("warehouse", username="xiaoli")
    client.force_login(clerk)
    response = client.post(
        "/console/staff/tokens/new/",
        {"name": "扫码枪", "scope_orders": "read", "scope_inventory": "write", "expires_in_days": "30"},
    )
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.startswith("dp_") and key in response.content.decode()
    token = ApiToken.objects.get(user=clerk)
    assert token.scopes == "inventory:write orders:read" and token.expires_at is not None
    assert ApiToken.objects.filter(key_hash=key).count() == 0  # only the hash is kept
    api = ApiClient(key)
    assert api.get("orders").status_code == 200
    assert api.get("stock-levels").status_code == 200
    assert api.get("product-imports").json()["code"] == "token_scope"
    assert AuditEntry.objects.filter(action="permissions.token_created", actor_label="xiaoli").exists()
    # Shown once: the list page does not show it again.
    assert key not in client.get("/console/staff/tokens/").content.decode()


def test_a_token_needs_a_scope_or_everything_and_bad_levels_are_refused(client):
    client.force_login(make_staff("warehouse", username="xiaoli"))
    assert client.post("/console/staff/tokens/new/", {"name": "x"}).status_code == 422
    assert client.post("/console/staff/tokens/new/", {"name": "x", "scope_orders": "admin"}).status_code == 422
    assert (
        client.post(
            "/console/staff/tokens/new/", {"name": "x", "scope_orders": "read", "expires_in_days": "0"}
        ).status_code
        == 422
    )
    assert not ApiToken.objects.exists()
    assert client.post("/console/staff/tokens/new/", {"name": "x", "everything": "on"}).status_code == 200
    assert ApiToken.objects.get().scopes == ""


def test_members_see_and_revoke_only_their_own_tokens_the_owner_all(client):
    owner, clerk, other = (
        make_staff("owner"),
        make_staff("warehouse", username="xiaoli"),
        make_staff("agent", "xiaowang"),
    )
    create_api_token(user=clerk, name="mine")
    create_api_token(user=other, name="theirs")
    theirs = ApiToken.objects.get(name="theirs")

    client.force_login(clerk)
    assert [t.name for t in client.get("/console/staff/tokens/").context["tokens"]] == ["mine"]
    assert client.post(f"/console/staff/tokens/{theirs.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None

    client.force_login(owner)
    assert {t.name for t in client.get("/console/staff/tokens/").context["tokens"]} == {"mine", "theirs"}
    assert client.post(f"/console/staff/tokens/{theirs.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is not None
    assert AuditEntry.objects.get(action="permissions.token_revoked").actor_label == "owner"


def test_anonymous_cannot_reach_the_token_pages(client):
    assert client.get("/console/staff/tokens/").status_code == 302
    assert client.post("/console/staff/tokens/new/", {"name": "x", "everything": "on"}).status_code == 302
    assert not ApiToken.objects.exists()
