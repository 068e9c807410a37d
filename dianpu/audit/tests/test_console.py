"""The audit log page: who changed what and when."""

import pytest

from dianpu.audit.services import record_audit
from dianpu.catalog.services import update_product
from dianpu.catalog.tests.builders import make_product

pytestmark = pytest.mark.django_db


def test_audit_log_shows_price_changes_with_old_and_new(client, staff):
    operator = staff("operator")
    product = make_product(skus=["TEE-M"], price="59.00")
    update_product(actor=operator, product=product, changes={}, variant_changes={"TEE-M": {"price": "69.00"}})
    client.force_login(staff("finance"))
    response = client.get("/console/audit/", {"action": "price."})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["entry"].action, r["entry"].actor_label) for r in rows] == [("price.changed", "operator")]
    assert rows[0]["changes"] == [{"field": "price[TEE-M]", "old": "59.00", "new": "69.00"}]
    html = response.content.decode()
    assert "<del>59.00</del> → <ins>69.00</ins>" in html


def test_audit_log_filters_by_user(client, staff):
    record_audit(
        actor=staff("warehouse"),
        action="stock.adjusted",
        object_type="catalog.variant",
        object_id="1",
        changes={"on_hand": (1, 5)},
    )
    record_audit(actor=staff("operator"), action="price.changed", object_type="catalog.product", object_id="1")
    client.force_login(staff("owner"))
    response = client.get("/console/audit/", {"actor": "warehouse"})
    assert [r["entry"].action for r in response.context["rows"]] == ["stock.adjusted"]


def test_roles_without_audit_permission_cannot_open_it(client, staff):
    client.force_login(staff("operator"))
    assert client.get("/console/audit/").status_code == 403


def test_the_audit_log_exports_the_filtered_entries_and_only_to_its_readers(client, staff):
    from dianpu.core.testing_exports import csv_rows, xlsx_rows

    record_audit(
        actor=staff("warehouse"),
        action="stock.adjusted",
        object_type="catalog.variant",
        object_id="1",
        changes={"on_hand": (1, 5)},
        reason="盘点",
    )
    record_audit(actor=staff("operator"), action="price.changed", object_type="catalog.product", object_id="1")
    client.force_login(staff("owner"))
    rows = csv_rows(client.get("/console/audit/", {"actor": "warehouse", "export": "csv"}))
    assert rows[0][:3] == ["时间", "操作人", "动作"]
    assert [(r[1], r[2], r[5], r[6]) for r in rows[1:]] == [("warehouse", "stock.adjusted", "on_hand: [1, 5]", "盘点")]
    rows = xlsx_rows(client.get("/console/audit/", {"action": "price.", "export": "xlsx"}))
    assert [(r[1], r[2]) for r in rows[1:]] == [("operator", "price.changed")]
    client.force_login(staff("operator"))
    assert client.get("/console/audit/", {"export": "csv"}).status_code == 403
