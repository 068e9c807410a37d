"""Orders from other platforms: Shopify's export and a generic CSV/XLSX mapping, all or nothing,
de-duplicated by the channel's order number; tracking exported back in Shopify's format."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook

from dianpu.audit.models import AuditEntry
from dianpu.catalog.tests.builders import make_product
from dianpu.channels.services import ImportRefused, import_channel_orders
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order

pytestmark = pytest.mark.django_db

HEADER = [
    "Name",
    "Email",
    "Financial Status",
    "Paid at",
    "Fulfillment Status",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Lineitem sku",
    "Shipping Name",
    "Shipping Address1",
    "Shipping City",
    "Shipping Province",
    "Shipping Zip",
    "Shipping Country",
    "Shipping Phone",
    "Subtotal",
    "Shipping",
    "Total",
    "Billing Province",
]


def shopify_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow([row.get(h, "") for h in HEADER])
    return out.getvalue().encode()


def order_rows(name="#1001", *, status="paid", lines=(("TEE-M", 2, "59.00"), ("CAP", 1, "30.00")), **extra):
    first = {
        "Name": name,
        "Email": "amy@example.com",
        "Financial Status": status,
        "Paid at": "2026-11-20 10:00:00 +0800",
        "Created at": "2026-11-20 09:58:00 +0800",
        "Shipping Name": "Amy",
        "Shipping Address1": "淮海中路 1 号",
        "Shipping City": "上海",
        "Shipping Province": "上海",
        "Shipping Zip": "200000",
        "Shipping Country": "CN",
        "Shipping Phone": "13900000001",
        "Shipping": "10.00",
        "Billing Province": "上海",
        **extra,
    }
    rows = []
    for i, (sku, qty, price) in enumerate(lines):
        row = dict(first) if i == 0 else {"Name": name}
        row.update({"Lineitem sku": sku, "Lineitem quantity": qty, "Lineitem price": price, "Lineitem name": sku})
        rows.append(row)
    return rows


@pytest.fixture
def products(db):
    make_product(skus=["TEE-M"], price="59.00", stock=10)
    make_product(skus=["CAP"], price="30.00", stock=5)


def run(content, *, actor=None, channel="shopify", filename="orders_export.csv", **kw):
    return import_channel_orders(channel=channel, content=content, filename=filename, actor=actor, **kw)


def test_a_shopify_export_becomes_paid_orders_holding_stock(products, staff):
    result = run(
        shopify_csv(order_rows() + order_rows("#1002", status="pending", lines=(("CAP", 1, "30.00"),))),
        actor=staff("operator"),
    )
    assert result.skipped == [] and len(result.created) == 2
    paid = Order.objects.get(channel="shopify", channel_order_number="#1001")
    assert (paid.status, paid.subtotal, paid.shipping_total, paid.grand_total) == (
        "paid",
        Decimal("148.00"),
        Decimal("10.00"),
        Decimal("158.00"),
    )
    assert [(ln.sku, ln.quantity) for ln in paid.lines.all()] == [("TEE-M", 2), ("CAP", 1)]
    assert paid.payments.get().amount == Decimal("158.00")
    assert Order.objects.get(channel_order_number="#1002").status == "pending_payment"
    assert StockLevel.objects.get(variant__sku="CAP").reserved == 2
    assert AuditEntry.objects.filter(action="channel.orders_imported").count() == 1


def test_re_importing_skips_orders_already_imported(products):
    run(shopify_csv(order_rows()))
    again = run(shopify_csv(order_rows() + order_rows("#1003", lines=(("TEE-M", 1, "59.00"),))))
    assert again.skipped == ["#1001"] and len(again.created) == 1
    assert Order.objects.filter(channel_order_number="#1001").count() == 1


def test_duplicate_numbers_and_unknown_skus_refuse_the_whole_file(products):
    rows = order_rows() + order_rows("#1002", lines=(("NOPE", 1, "5.00"),)) + order_rows()
    with pytest.raises(ImportRefused) as exc, translation.override("zh-hans"):
        run(shopify_csv(rows))
    assert [(ln["row"], ln["column"], ln["code"]) for ln in exc.value.lines] == [
        (4, "sku", "sku_unknown"),
        (5, "Name", "order_number_duplicate"),
        (6, "Name", "order_number_duplicate"),
    ]
    assert exc.value.lines[0]["message"] == "未知的 SKU。 (NOPE)"
    assert Order.objects.count() == 0
    assert StockLevel.objects.get(variant__sku="TEE-M").reserved == 0


def test_not_enough_stock_refuses_everything(products):
    with pytest.raises(ImportRefused) as exc:
        run(shopify_csv(order_rows() + order_rows("#1002", lines=(("CAP", 5, "30.00"),))))
    assert [(ln["row"], ln["code"]) for ln in exc.value.lines] == [(4, "out_of_stock")]
    assert Order.objects.count() == 0


def test_generic_xlsx_with_a_mapping(products):
    book = Workbook()
    sheet = book.active
    sheet.append(["订单编号", "商家编码", "数量", "单价", "收货人", "手机", "省", "市", "地址", "已付款"])
    sheet.append(["TB-9", "TEE-M", 1, 59, "王五", "13700000000", "浙江省", "杭州市", "西湖路 1 号", "是"])
    sheet.append(["TB-9", "CAP", 2, 30, None, None, None, None, None, None])
    buf = io.BytesIO()
    book.save(buf)
    mapping = {
        "order_number": "订单编号",
        "sku": "商家编码",
        "quantity": "数量",
        "unit_price": "单价",
        "ship_name": "收货人",
        "ship_phone": "手机",
        "ship_province": "省",
        "ship_city": "市",
        "ship_line1": "地址",
        "paid": "已付款",
    }
    result = run(buf.getvalue(), channel="generic", channel_code="taobao", filename="tb.xlsx", mapping=mapping)
    order = Order.objects.get(number=result.created[0])
    assert (order.channel, order.channel_order_number, order.status, order.subtotal) == (
        "taobao",
        "TB-9",
        "paid",
        Decimal("119.00"),
    )
    # the mapping is remembered for the channel: the next file needs none
    sheet.append(["TB-10", "CAP", 1, 30, "王五", "13700000000", "浙江省", "杭州市", "西湖路 1 号", "是"])
    buf = io.BytesIO()
    book.save(buf)
    again = run(buf.getvalue(), channel="generic", channel_code="taobao", filename="tb.xlsx")
    assert (len(again.created), again.skipped) == (1, ["TB-9"])


def test_generic_mapping_must_name_the_required_fields(products):
    with pytest.raises(ImportRefused) as exc:
        run(b"a,b\n1,2\n", channel="generic", channel_code="jd", mapping={"order_number": "a"})
    assert {ln["column"] for ln in exc.value.lines} >= {"sku", "quantity", "ship_line1"}


def test_tracking_exported_in_shopifys_format(products, staff_api):
    run(shopify_csv(order_rows()))
    order = Order.objects.get(channel_order_number="#1001")
    transition_order(order=order, action="ship", carrier="sf", tracking_number="SF1234567890123")
    response = staff_api("operator").get("channel-exports/tracking", channel="shopify")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == [
        "Name,Tracking Number,Tracking Company,Tracking URL,Notify Customer",
        "#1001,SF1234567890123,SF Express,https://www.sf-express.com/chn/sc/waybill/waybill-detail/SF1234567890123,true",
    ]


def test_api_import_reports_rows_and_roles(products, staff_api):
    denied = staff_api("warehouse").client.post(
        "/api/v1/channel-imports",
        {"channel": "shopify", "file": SimpleUploadedFile("o.csv", shopify_csv(order_rows()))},
        HTTP_AUTHORIZATION=staff_api("warehouse").headers["HTTP_AUTHORIZATION"],
    )
    assert denied.status_code == 403
    operator = staff_api("operator")
    ok = operator.client.post(
        "/api/v1/channel-imports",
        {"channel": "shopify", "file": SimpleUploadedFile("o.csv", shopify_csv(order_rows()))},
        **operator.headers,
    )
    assert ok.status_code == 200 and ok.json()["rows"] == 2
    bad = operator.client.post(
        "/api/v1/channel-imports",
        {
            "channel": "shopify",
            "file": SimpleUploadedFile("o.csv", shopify_csv(order_rows("#2", lines=(("X", 0, "1"),)))),
        },
        **operator.headers,
    )
    assert bad.status_code == 422
    assert [(ln["row"], ln["column"], ln["code"]) for ln in bad.json()["lines"]] == [
        (2, "Lineitem quantity", "quantity_invalid"),
        (2, "sku", "sku_unknown"),
    ]


def test_console_import_page(client, staff, products):
    client.force_login(staff("operator"))
    response = client.post(
        "/console/channels/import/",
        {
            "channel": "shopify",
            "shipping_method": "standard",
            "file": SimpleUploadedFile("o.csv", shopify_csv(order_rows())),
        },
    )
    assert response.status_code == 200 and len(response.context["result"].created) == 1
    client.force_login(staff("warehouse"))
    assert client.get("/console/channels/import/").status_code == 403


def test_command_line_import_reports_and_refuses(products, tmp_path):
    from django.core.management import CommandError, call_command

    good = tmp_path / "orders.csv"
    good.write_bytes(shopify_csv(order_rows()))
    out = io.StringIO()
    call_command("import_channel_orders", str(good), "--channel", "shopify", verbosity=0, stdout=out)
    assert out.getvalue().strip() == "created 1, skipped 0 already imported, 2 rows read"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(shopify_csv(order_rows("#9", lines=(("NOPE", 1, "1.00"),))))
    err = io.StringIO()
    with pytest.raises(CommandError), translation.override("en"):
        call_command("import_channel_orders", str(bad), verbosity=0, stderr=err)
    assert err.getvalue().strip() == "row 2, sku: Unknown SKU. (NOPE)"
    assert Order.objects.count() == 1
