"""Staff and roles pages: only the owner (accounts.manage_staff) may open them; changes are audited."""

import pytest
from django.contrib.auth import get_user_model

from dianpu.accounts.services import roles_of
from dianpu.accounts.tests.builders import make_staff
from dianpu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_owner_sees_staff_with_their_roles(client, staff):
    staff("warehouse")
    client.force_login(staff("owner"))
    response = client.get("/console/staff/")
    assert response.status_code == 200
    rows = {row["user"].username: row["roles"] for row in response.context["rows"]}
    assert rows["warehouse"] == ["warehouse"]
    assert rows["owner"] == ["owner"]


def test_owner_changes_a_users_roles_and_it_is_audited(client, staff):
    clerk = make_staff("agent", username="xiaoli")
    client.force_login(staff("owner"))
    response = client.post(f"/console/staff/{clerk.pk}/roles/", {f"u{clerk.pk}-roles": ["agent", "warehouse"]})
    assert response.status_code == 302
    assert roles_of(get_user_model().objects.get(pk=clerk.pk)) == ["agent", "warehouse"]
    entry = AuditEntry.objects.get(action="permissions.roles_changed", object_id=str(clerk.pk), actor_label="owner")
    assert entry.changes == {"roles": ["agent", "agent, warehouse"]}


def test_operator_cannot_manage_staff(client, staff):
    clerk = make_staff("agent", username="xiaoli")
    client.force_login(staff("operator"))
    assert client.get("/console/staff/").status_code == 403
    response = client.post(f"/console/staff/{clerk.pk}/roles/", {f"u{clerk.pk}-roles": ["owner"]})
    assert response.status_code == 403
    assert roles_of(clerk) == ["agent"]


def test_owner_creates_a_staff_user_who_can_sign_in(client, staff):
    client.force_login(staff("owner"))
    response = client.post(
        "/console/staff/new/",
        {
            "username": "zhangwei",
            "first_name": "张伟",
            "email": "zw@example.com",
            "password": "Cang-ku-2024!x",
            "roles": ["warehouse"],
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="zhangwei")
    assert user.is_staff
    assert roles_of(user) == ["warehouse"]
    assert AuditEntry.objects.filter(action="permissions.roles_changed", object_id=str(user.pk)).exists()
    client.logout()
    assert client.post("/console/login/", {"username": "zhangwei", "password": "Cang-ku-2024!x"}).status_code == 302


def test_create_staff_refuses_a_weak_password_and_a_taken_name(client, staff):
    client.force_login(staff("owner"))
    response = client.post("/console/staff/new/", {"username": "owner", "password": "123", "roles": ["agent"]})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"username", "password"}
    assert get_user_model().objects.count() == 1
