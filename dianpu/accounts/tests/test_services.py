"""Roles, permissions and API tokens."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from dianpu.accounts.domain.roles import ROLES_BY_CODE
from dianpu.accounts.models import ApiToken
from dianpu.accounts.services import authenticate_token, create_api_token, revoke_api_token, set_user_roles
from dianpu.accounts.tests.builders import make_staff
from dianpu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, may, may_not",
    [
        ("owner", ["catalog.change_price", "catalog.delete_product", "accounts.manage_staff"], []),
        (
            "operator",
            ["catalog.change_price", "catalog.delete_product", "inventory.adjust_stock"],
            ["accounts.manage_staff"],
        ),
        (
            "warehouse",
            ["inventory.adjust_stock", "orders.fulfil_order"],
            ["catalog.change_price", "catalog.delete_product"],
        ),
        ("agent", ["orders.cancel_order", "orders.view_order"], ["catalog.delete_product", "catalog.change_price"]),
        (
            "finance",
            ["orders.record_payment", "audit.view_auditentry"],
            ["catalog.change_product", "orders.fulfil_order"],
        ),
        ("designer", ["catalog.change_product"], ["catalog.change_price", "orders.view_order"]),
        (
            "marketing",
            ["catalog.view_product", "orders.view_sales_figures"],
            ["catalog.change_price", "orders.fulfil_order"],
        ),
    ],
)
def test_each_role_can_do_exactly_its_work(role, may, may_not):
    user = make_staff(role)
    assert [p for p in may if not user.has_perm(p)] == []
    assert [p for p in may_not if user.has_perm(p)] == []


def test_every_role_exists_as_a_group_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES_BY_CODE)


def test_changing_roles_is_audited():
    owner, clerk = make_staff("owner"), make_staff("agent", username="xiaoli")
    set_user_roles(actor=owner, user=clerk, roles=["agent", "warehouse"])
    entry = AuditEntry.objects.get(action="permissions.roles_changed", actor_label="owner")
    assert entry.changes == {"roles": ["agent", "agent, warehouse"]}


def test_tokens_authenticate_until_revoked_and_only_their_hash_is_stored():
    user = make_staff("finance")
    key = create_api_token(user=user)
    assert authenticate_token(key) == user
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert authenticate_token(key + "x") is None
    revoke_api_token(token=ApiToken.objects.get(user=user))
    assert authenticate_token(key) is None


def test_a_deactivated_user_token_stops_working():
    user = make_staff("finance")
    key = create_api_token(user=user)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert authenticate_token(key) is None


def test_createtoken_prints_a_working_token(capsys):
    user = make_staff("warehouse")
    call_command("createtoken", "warehouse")
    key = capsys.readouterr().out.strip()
    assert authenticate_token(key) == user


def test_a_new_staff_account_gets_its_roles_or_is_not_made_at_all():
    from django.utils import translation

    from dianpu.accounts.services import create_staff_user
    from dianpu.core.errors import DomainError

    owner = make_staff("owner")
    with translation.override("en"), pytest.raises(DomainError) as refused:
        create_staff_user(actor=owner, username="xiaowang", password="a-long-pass-987", roles=["warehouse", "boss"])
    assert refused.value.detail == "Unknown role: boss"
    assert not get_user_model().objects.filter(username="xiaowang").exists()

    user = create_staff_user(actor=owner, username="xiaowang", password="a-long-pass-987", roles=["warehouse"])
    assert user.check_password("a-long-pass-987") and user.is_staff
    assert user.has_perm("inventory.adjust_stock") and not user.has_perm("catalog.change_price")
    assert {e.action for e in AuditEntry.objects.filter(object_id=str(user.pk))} == {
        "permissions.staff_created",
        "permissions.roles_changed",
    }
