"""Stock endpoints: role checks, exact bodies, and bad input that changes nothing."""

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.inventory.models import StockLevel, StockMove

pytestmark = pytest.mark.django_db


@pytest.fixture
def tee():
    return make_product(stock=10, skus=["TEE-M"]).variants.get()


@pytest.fixture
def east(staff_api, tee):
    response = staff_api("warehouse").post("warehouses", {"code": "east", "name": "华东仓"})
    assert response.status_code == 201
    return response.json()


def test_warehouse_staff_transfer_and_the_ledger_shows_both_legs(staff_api, east):
    api = staff_api("warehouse")
    response = api.post(
        "stock-transfers",
        {"sku": "TEE-M", "from_warehouse": "main", "to_warehouse": "east", "quantity": 4, "reason": "补货"},
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["from_level"]["on_hand"], body["to_level"]["on_hand"], body["to_level"]["warehouse"]) == (6, 4, "east")
    ledger = api.get("stock-levels/TEE-M/moves").json()
    assert ledger["on_hand"] == 10
    assert [(m["kind"], m["warehouse"], m["on_hand_delta"]) for m in ledger["items"][:2]] == [
        ("transfer", "main", -4),
        ("transfer", "east", 4),
    ] or [(m["kind"], m["warehouse"], m["on_hand_delta"]) for m in ledger["items"][:2]] == [
        ("transfer", "east", 4),
        ("transfer", "main", -4),
    ]
    levels = api.get("stock-levels", warehouse="east").json()
    assert [(i["sku"], i["on_hand"], i["available"]) for i in levels["items"]] == [("TEE-M", 4, 4)]


@pytest.mark.parametrize("quantity, field_error", [(-1, True), ("many", True), (2.5, True), (0, True), (11, False)])
def test_bad_transfers_are_refused_with_a_message_and_nothing_moves(staff_api, east, quantity, field_error):
    moves = StockMove.objects.count()
    response = staff_api("warehouse", "en").post(
        "stock-transfers", {"sku": "TEE-M", "from_warehouse": "main", "to_warehouse": "east", "quantity": quantity}
    )
    body = response.json()
    if field_error:
        assert response.status_code == 422 and "quantity" in body["errors"]
    else:
        assert (response.status_code, body["code"]) == (409, "transfer_short")
        assert body["detail"].startswith("Transfer exceeds available stock") and body["available"] == 10
    assert StockMove.objects.count() == moves
    assert list(StockLevel.objects.order_by("warehouse__code").values_list("warehouse__code", "on_hand")) == [
        ("east", 0),
        ("main", 10),
    ] or list(StockLevel.objects.values_list("on_hand", flat=True)) == [10]


def test_roles_without_adjust_stock_cannot_move_stock(staff_api, east):
    response = staff_api("designer").post(
        "stock-adjustments", {"sku": "TEE-M", "warehouse": "main", "delta": -1, "reason_code": "damaged"}
    )
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert staff_api("designer").get("stock-levels").status_code == 200
    assert StockLevel.objects.get(warehouse__code="main").on_hand == 10


def test_adjustment_needs_a_reason_and_safety_stock_shows_low(staff_api, tee):
    api = staff_api("operator")
    refused = api.post("stock-adjustments", {"sku": "TEE-M", "warehouse": "main", "delta": -1, "reason_code": "x"})
    assert (refused.status_code, refused.json()["code"]) == (422, "reason_required")
    done = api.post("stock-adjustments", {"sku": "TEE-M", "warehouse": "main", "delta": -3, "reason_code": "lost"})
    assert (done.status_code, done.json()["on_hand"]) == (201, 7)
    level = api.post("stock-levels/TEE-M/safety-stock", {"warehouse": "main", "safety_stock": 8}).json()
    assert (level["safety_stock"], level["is_low"]) == (8, True)
    low = api.get("stock-levels", low_only="true").json()
    assert [i["sku"] for i in low["items"]] == ["TEE-M"]
    unknown = api.post("stock-adjustments", {"sku": "NOPE", "warehouse": "main", "delta": 1, "reason_code": "found"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_sku")


def test_cover_daily_sheet_and_xlsx(staff_api, tee):
    api = staff_api("finance")
    cover = api.get("stock-cover", window=14).json()
    assert cover["window"] == 14 and cover["items"][0]["sku"] == "TEE-M"
    assert cover["items"][0]["days_of_cover"] is None and cover["items"][0]["velocity"] == "0.00"
    assert api.get("stock-cover", window=10).json()["code"] == "window_invalid"
    sheet = api.get("inventory-sheets/daily").json()
    assert sheet["items"][0]["on_hand"] == 10
    xlsx = api.get("inventory-sheets/daily.xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    assert xlsx["Content-Disposition"].startswith('attachment; filename="inventory-')


def test_stocktake_by_barcode_over_the_api(staff_api, tee):
    type(tee).objects.filter(pk=tee.pk).update(barcode="6901234567892")
    api = staff_api("warehouse")
    sheet = api.post("stocktakes", {"warehouse": "main"}).json()
    number = sheet["number"]
    assert (
        api.post(f"stocktakes/{number}/counts", {"code": "6901234567892", "quantity": 1, "add": True}).json()["counted"]
        == 1
    )
    line = api.post(f"stocktakes/{number}/counts", {"code": "TEE-M", "quantity": 8, "add": True}).json()
    assert (line["expected"], line["counted"], line["variance"]) == (10, 9, -1)
    unknown = api.post(f"stocktakes/{number}/counts", {"code": "0000", "quantity": 1})
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_code")
    negative = api.post(f"stocktakes/{number}/counts", {"code": "TEE-M", "quantity": -5})
    assert negative.status_code == 422 and "quantity" in negative.json()["errors"]
    report = api.get(f"stocktakes/{number}").json()
    assert report["summary"]["units_short"] == 1 and report["summary"]["value"] == "-20.00"
    posted = api.post(f"stocktakes/{number}/post").json()
    assert posted == {"number": number, "status": "posted", "lines_adjusted": 1}
    assert StockLevel.objects.get(variant=tee).on_hand == 9
    again = api.post(f"stocktakes/{number}/post")
    assert (again.status_code, again.json()["code"]) == (409, "stocktake_closed")
    assert StockLevel.objects.get(variant=tee).on_hand == 9
