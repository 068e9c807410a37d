"""Stock pages: every page opens for the roles that may see it; forms refuse bad input with a
message and change nothing."""

import pytest

from dianpu.catalog.tests.builders import make_product
from dianpu.inventory.models import StockLevel, StockMove, Stocktake
from dianpu.inventory.services import create_warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def tee():
    variant = make_product(stock=10, skus=["TEE-M"]).variants.get()
    type(variant).objects.filter(pk=variant.pk).update(barcode="6901234567892")
    create_warehouse(actor=None, code="east", name="华东仓")
    return variant


@pytest.mark.parametrize(
    "url",
    [
        "/console/inventory/",
        "/console/inventory/?low=on&warehouse=main&q=TEE",
        "/console/inventory/sku/TEE-M/moves/",
        "/console/inventory/cover/?window=7&slow=on",
        "/console/inventory/daily/",
        "/console/inventory/stocktakes/",
        "/console/inventory/warehouses/",
    ],
)
def test_stock_pages_open_for_every_role_that_sees_stock(client, staff, tee, url):
    client.force_login(staff("designer"))
    response = client.get(url)
    assert response.status_code == 200
    assert "TEE-M" in response.text or "华东仓" in response.text or "盘点" in response.text


def test_daily_sheet_downloads_as_xlsx(client, staff, tee):
    client.force_login(staff("finance"))
    response = client.get("/console/inventory/daily.xlsx")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"


def test_transfer_form_refuses_more_than_available_and_nothing_moves(client, staff, tee):
    client.force_login(staff("warehouse"))
    moves = StockMove.objects.count()
    response = client.post(
        "/console/inventory/transfer/",
        {"sku": "TEE-M", "from_warehouse": "main", "to_warehouse": "east", "quantity": "11"},
    )
    assert response.status_code == 200
    assert "调拨数量超过可用库存：TEE-M 在 主仓 只有 10 件可用。" in response.text
    for bad, message in [("-1", "数量必须大于 0。"), ("abc", "请输入整数。")]:
        response = client.post(
            "/console/inventory/transfer/",
            {"sku": "TEE-M", "from_warehouse": "main", "to_warehouse": "east", "quantity": bad},
        )
        assert message in response.text
    unknown = client.post(
        "/console/inventory/transfer/",
        {"sku": "NOPE", "from_warehouse": "main", "to_warehouse": "east", "quantity": "1"},
    )
    assert "未知的 SKU：NOPE" in unknown.text
    assert StockMove.objects.count() == moves
    done = client.post(
        "/console/inventory/transfer/",
        {"sku": "TEE-M", "from_warehouse": "main", "to_warehouse": "east", "quantity": "4"},
    )
    assert done.status_code == 302 and done["Location"] == "/console/inventory/sku/TEE-M/moves/"
    assert StockLevel.objects.get(variant=tee, warehouse__code="east").on_hand == 4


def test_adjustment_form_and_safety_stock(client, staff, tee):
    client.force_login(staff("operator"))
    response = client.post(
        "/console/inventory/adjust/",
        {
            "sku": "TEE-M",
            "warehouse": "main",
            "direction": "out",
            "quantity": "2",
            "reason_code": "damaged",
            "note": "水渍",
        },
    )
    assert response.status_code == 302
    assert StockMove.objects.filter(kind="adjustment", on_hand_delta=-2, reason="损坏报废: 水渍").exists()
    client.post("/console/inventory/sku/TEE-M/safety-stock/", {"warehouse": "main", "safety_stock": "9"})
    low = client.get("/console/inventory/", {"low": "on"})
    assert [lv.variant.sku for lv in low.context["levels"]] == ["TEE-M"]


def test_designer_may_look_but_not_adjust(client, staff, tee):
    client.force_login(staff("designer"))
    response = client.post(
        "/console/inventory/adjust/",
        {"sku": "TEE-M", "warehouse": "main", "direction": "out", "quantity": "2", "reason_code": "damaged"},
    )
    assert response.status_code == 403
    assert StockLevel.objects.get(variant=tee, warehouse__code="main").on_hand == 10


def test_stocktake_with_barcode_scans_and_variance_report(client, staff, tee):
    client.force_login(staff("warehouse"))
    created = client.post("/console/inventory/stocktakes/", {"warehouse": "main"})
    sheet = Stocktake.objects.get()
    assert created["Location"] == f"/console/inventory/stocktakes/{sheet.number}/"
    url = created["Location"]
    for _scan in range(3):
        client.post(url, {"code": "6901234567892", "quantity": "1", "add": "on"})
    unknown = client.post(url, {"code": "999", "quantity": "1", "add": "on"})
    assert "本盘点单中没有 SKU 或条码为 999 的商品。" in unknown.text
    page = client.get(url, {"only": "variance"})
    assert page.context["report"]["summary"].units_short == 7
    assert [ln.variant.sku for ln in page.context["lines"]] == ["TEE-M"]
    client.post(f"{url}post/")
    assert StockLevel.objects.get(variant=tee, warehouse__code="main").on_hand == 3
    assert Stocktake.objects.get().status == "posted"


def test_stock_pages_speak_english(client, staff, tee):
    client.force_login(staff("owner"))
    client.cookies["dianpu_language"] = "en"
    assert "Days of cover and slow movers" in client.get("/console/inventory/cover/").text
    assert "Daily inventory sheet" in client.get("/console/inventory/daily/").text
    refused = client.post(
        "/console/inventory/transfer/",
        {"sku": "TEE-M", "from_warehouse": "main", "to_warehouse": "east", "quantity": "11"},
    )
    assert "Transfer exceeds available stock: TEE-M has only 10 available in" in refused.text
    assert "Replenishment suggestions" in client.get("/console/purchasing/suggestions/").text


def test_daily_sheet_page_counts_suggestions(client, staff, tee):
    client.force_login(staff("owner"))
    page = client.get("/console/inventory/daily/")
    assert [(c["code"], c["count"]) for c in page.context["cards"]] == [
        ("restock", 0),
        ("clear", 0),
        ("promote", 1),
        ("watch", 0),
        ("ok", 0),
    ]
    client.post(
        "/console/inventory/adjust/",
        {"sku": "TEE-M", "warehouse": "main", "direction": "out", "quantity": "10", "reason_code": "lost"},
    )
    page = client.get("/console/inventory/daily/")  # the ledger moved: counted afresh
    assert [(c["code"], c["count"]) for c in page.context["cards"]] == [
        ("restock", 0),
        ("clear", 0),
        ("promote", 0),
        ("watch", 1),
        ("ok", 0),
    ]


def test_stock_levels_and_the_ledger_export_what_the_pages_show(client, staff, tee):
    from dianpu.core.testing_exports import csv_rows, xlsx_rows

    make_product(stock=3, skus=["CAP-1"])
    client.force_login(staff("warehouse"))
    rows = csv_rows(client.get("/console/inventory/", {"q": "TEE", "export": "csv"}))
    assert rows[0] == ["SKU", "商品", "规格", "仓库", "在库", "已占用", "可用", "安全库存"]
    page = client.get("/console/inventory/", {"q": "TEE"})
    assert [(r[0], r[3], int(r[4])) for r in rows[1:]] == [
        (lv.variant.sku, lv.warehouse.name, lv.on_hand) for lv in page.context["levels"]
    ]
    assert len(xlsx_rows(client.get("/console/inventory/", {"export": "xlsx"}))) == 1 + StockLevel.objects.count()
    ledger = csv_rows(client.get("/console/inventory/sku/TEE-M/moves/", {"export": "csv"}))
    from dianpu.inventory.queries import list_ledger

    assert [int(r[3]) for r in ledger[1:]] == [m.on_hand_delta for m in list_ledger(tee)]
    assert len(ledger) > 1
    client.logout()  # every staff role may see stock; nobody else may export it
    for url in ("/console/inventory/", "/console/inventory/sku/TEE-M/moves/"):
        response = client.get(url, {"export": "csv"})
        assert response.status_code == 302 and "Content-Disposition" not in response


def test_days_of_cover_exports_every_sku_of_the_filter(client, staff, tee):
    from dianpu.core.testing_exports import csv_rows, xlsx_rows

    make_product(stock=3, skus=["CAP-1"])
    client.force_login(staff("designer"))
    page = client.get("/console/inventory/cover/", {"window": "7"})
    rows = csv_rows(client.get("/console/inventory/cover/", {"window": "7", "export": "csv"}))
    assert rows[0][:3] == ["SKU", "商品", "规格"]
    assert [(r[0], int(r[3])) for r in rows[1:]] == [(r.sku, r.available) for r in page.context["rows"]]
    assert [r[0] for r in xlsx_rows(client.get("/console/inventory/cover/", {"q": "CAP", "export": "xlsx"}))[1:]] == [
        "CAP-1"
    ]


def test_english_stock_pages_name_products_in_english(staff, tee):
    from django.test import Client

    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(staff("warehouse"))
    for url in ("/console/inventory/", "/console/inventory/sku/TEE-M/moves/"):
        page = english.get(url).content.decode()
        assert "Cotton T-shirt" in page and "纯棉T恤" not in page, url
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(staff("warehouse"))
    assert "纯棉T恤" in chinese.get("/console/inventory/").content.decode()
