"""Taobao/Tmall, JD and Pinduoduo through their seller centres' files: sample files written here in
GBK CSV and XLSX — goods export mapped by 商家编码, the stock update file, the order export placed
as the channel's orders (reserving stock, the same file twice creates nothing new), the batch
shipping file; a file missing a column is refused naming it."""

import csv
import io

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from dianpu.accounts.tests.builders import make_staff, token_for
from dianpu.catalog.tests.builders import make_product
from dianpu.channels import files, sync
from dianpu.channels.connectors.seller_centre import split_address
from dianpu.channels.models import ChannelListing
from dianpu.channels.services import ImportRefused
from dianpu.inventory.models import StockLevel
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order

pytestmark = pytest.mark.django_db


def gbk_csv(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("gbk")


def xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_gbk(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("gbk"))))


@pytest.fixture
def ours(db):
    make_product(skus=["TEE-S", "TEE-M"], price="59.00", stock=10)
    make_product(skus=["CAP"], price="30.00", stock=4)


def channel(kind="taobao", **kw):
    return sync.create_channel(actor=None, kind=kind, name=f"{kind} 店", **kw)


TAOBAO_GOODS = ["宝贝ID", "宝贝标题", "SKU ID", "商家编码", "宝贝数量"]
TAOBAO_ORDERS = [
    "订单编号",
    "订单创建时间",
    "宝贝标题",
    "商家编码",
    "购买数量",
    "价格",
    "收货人姓名",
    "联系手机",
    "收货地址",
    "买家支付邮费",
]


def test_taobao_goods_export_in_gbk_is_mapped_by_merchant_code_and_the_stock_file_comes_back_in_gbk(ours):
    shop = channel("taobao", stock_buffer=1)
    result = files.import_listings(
        channel=shop,
        content=gbk_csv(
            TAOBAO_GOODS,
            [
                ["6001", "纯棉T恤", "5001", "TEE-S", "7"],
                ["6001", "纯棉T恤", "5002", "TEE-M", "7"],
                ["6002", "帽子", "5003", "CAP", "2"],
                ["6003", "别家的", "5004", "OTHER", "1"],
            ],
        ),
        filename="宝贝.csv",
        actor=None,
    )
    assert (result.mapped, result.unmapped, result.rows) == (3, 1, 4)
    rows = read_gbk(files.export_stock(channel=shop, fmt="csv"))
    assert rows[0] == ["SKU ID", "商家编码", "宝贝数量"]
    assert sorted(rows[1:]) == [["5001", "TEE-S", "9"], ["5002", "TEE-M", "9"], ["5003", "CAP", "3"]]
    assert ChannelListing.objects.get(external_variant_id="5003").pushed_quantity == 3


def test_a_goods_file_missing_columns_is_refused_naming_them(ours):
    shop = channel("jd")
    with pytest.raises(ImportRefused) as refused:
        files.import_listings(
            channel=shop,
            content=gbk_csv(["商品编号", "商品名称", "库存"], [["1", "T恤", "3"]]),
            filename="goods.csv",
            actor=None,
        )
    assert {line["column"] for line in refused.value.lines} == {"SKU编号", "商家SKU"}
    assert all("缺少" in line["message"] for line in refused.value.lines)
    assert not ChannelListing.objects.exists()


def test_taobao_orders_in_gbk_are_placed_as_the_channels_orders_once(ours):
    shop = channel("taobao")
    content = gbk_csv(
        TAOBAO_ORDERS,
        [
            [
                "T1001",
                "2026-12-06 10:00:00",
                "纯棉T恤",
                "TEE-M",
                "2",
                "59.00",
                "张三",
                "13900000001",
                "浙江省 杭州市 西湖区 文三路 1 号",
                "0.00",
            ],
            [
                "T1001",
                "2026-12-06 10:00:00",
                "帽子",
                "CAP",
                "1",
                "30.00",
                "张三",
                "13900000001",
                "浙江省 杭州市 西湖区 文三路 1 号",
                "0.00",
            ],
        ],
    )
    result = files.import_orders(channel=shop, content=content, filename="订单.csv", actor=None)
    assert len(result.created) == 1
    order = Order.objects.get(channel=str(shop.pk))
    assert (order.channel_order_number, order.ship_province, order.ship_city) == ("T1001", "浙江省", "杭州市")
    assert StockLevel.objects.get(variant__sku="TEE-M").reserved == 2
    again = files.import_orders(channel=shop, content=content, filename="订单.csv", actor=None)
    assert (again.created, again.skipped) == ([], ["T1001"])
    assert Order.objects.count() == 1


PDD_ORDERS = [
    "订单号",
    "订单成交时间",
    "商品",
    "商家编码-SKU维度",
    "商品数量(件)",
    "商品单价(元)",
    "收货人",
    "手机",
    "省",
    "市",
    "详细地址",
    "运费(元)",
]


def test_pinduoduo_orders_in_xlsx_and_the_shipping_file_back(ours):
    shop = channel("pdd")
    content = xlsx(
        PDD_ORDERS,
        [
            [
                "251207-001",
                "2026-12-07 09:00:00",
                "帽子",
                "CAP",
                1,
                30,
                "李四",
                "13900000002",
                "广东省",
                "深圳市",
                "南山区 科技园 2 号",
                0,
            ]
        ],
    )
    files.import_orders(channel=shop, content=content, filename="orders.xlsx", actor=None)
    order = Order.objects.get(channel=str(shop.pk))
    order = transition_order(order=order, action="start_picking", actor=None)
    transition_order(order=order, action="ship", actor=None, carrier="sf", tracking_number="SF1234567890123")
    book = load_workbook(io.BytesIO(files.export_shipping(channel=shop, fmt="xlsx")))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows == [["订单号", "快递公司", "快递单号"], ["251207-001", "顺丰速运", "SF1234567890123"]]
    assert read_gbk(files.export_shipping(channel=shop))[1] == ["251207-001", "顺丰速运", "SF1234567890123"]


def test_an_order_file_missing_columns_is_refused_and_nothing_is_placed(ours):
    shop = channel("jd")
    with pytest.raises(ImportRefused) as refused:
        files.import_orders(
            channel=shop,
            content=gbk_csv(["订单号", "商家SKU", "订购数量"], [["J1", "CAP", "1"]]),
            filename="jd.csv",
            actor=None,
        )
    assert {"京东价", "客户姓名", "联系电话"} <= {line["column"] for line in refused.value.lines}
    assert not Order.objects.exists()
    assert StockLevel.objects.get(variant__sku="CAP").reserved == 0


def test_a_one_line_address_is_split_into_province_city_and_the_rest():
    assert split_address("浙江省 杭州市 西湖区 文三路 1 号") == ("浙江省", "杭州市", "西湖区 文三路 1 号")
    assert split_address("广东省深圳市南山区科技园") == ("广东省", "深圳市", "南山区科技园")
    assert split_address("某处") == ("", "", "某处")


def test_the_files_through_the_api(ours):
    shop = channel("taobao")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(make_staff('operator'))}"}
    upload = io.BytesIO(xlsx(TAOBAO_GOODS, [["6001", "T恤", "5001", "TEE-S", 3]]))
    upload.name = "goods.xlsx"
    response = Client().post(f"/api/v1/channels/{shop.pk}/listing-files", {"file": upload}, **headers)
    assert response.status_code == 200 and response.json() == {"mapped": 1, "unmapped": 0, "rows": 1}
    response = Client().get(f"/api/v1/channels/{shop.pk}/stock-file?format=csv", **headers)
    assert response.status_code == 200 and read_gbk(response.content)[1] == ["5001", "TEE-S", "10"]
    assert Client().get(f"/api/v1/channels/{shop.pk}/stock-file?format=pdf", **headers).status_code == 422
    shopify = sync.create_channel(
        actor=None,
        kind="shopify",
        name="S",
        shop_domain="s.myshopify.com",
        access_token="t",
        webhook_secret="w",
        location_id="1",
    )
    response = Client().get(f"/api/v1/channels/{shopify.pk}/stock-file", **headers)
    assert response.status_code == 409 and response.json()["code"] == "channel_not_file_based"


def test_the_channel_pages_connect_upload_and_download(ours):
    page = Client()
    page.force_login(make_staff("operator"))
    response = page.post(
        "/console/channels/",
        {"kind": "taobao", "name": "淘宝旗舰店", "stock_buffer": "0", "stock_share_percent": "100"},
    )
    shop = sync.get_channel(response.url.rstrip("/").rsplit("/", 1)[-1])
    upload = io.BytesIO(gbk_csv(TAOBAO_GOODS, [["6001", "T恤", "5001", "TEE-S", "3"]]))
    upload.name = "goods.csv"
    page.post(f"/console/channels/{shop.pk}/", {"action": "listings_file", "file": upload})
    listing_page = page.get(f"/console/channels/{shop.pk}/").content.decode()
    assert "TEE-S" in listing_page
    assert ChannelListing.objects.get(channel=shop).variant.sku == "TEE-S"
    missing = io.BytesIO(gbk_csv(["订单编号"], [["T1"]]))
    missing.name = "orders.csv"
    followed = page.post(f"/console/channels/{shop.pk}/", {"action": "orders_file", "file": missing}, follow=True)
    assert "商家编码" in followed.content.decode() and not Order.objects.exists()
    download = page.get(f"/console/channels/{shop.pk}/download/?file=stock&format=csv")
    assert download.status_code == 200 and read_gbk(download.content)[1] == ["5001", "TEE-S", "10"]
    assert page.get(f"/console/channels/{shop.pk}/download/?file=shipping&format=xlsx").status_code == 200
