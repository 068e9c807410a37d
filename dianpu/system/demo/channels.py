"""Demo sales channels, made through the channels services: a Shopify shop (its listings mapped to
our best sellers, orders that came by its webhook, one held for an SKU we do not sell) and a Taobao
shop (its goods export imported, mapped by 商家编码, and an order export placed). No network: the
Shopify listings are recorded as a sync would record them, and nothing is pushed."""

import csv
import io
import json
import random
from datetime import datetime, timedelta

from dianpu.catalog.models import Variant
from dianpu.channels import files, sync
from dianpu.channels.models import ChannelListing
from dianpu.inventory.queries import get_available_by_variant

from .operations import at

SHOPIFY_ADDRESSES = (
    ("Li Wei", "上海", "上海市", "淮海中路 100 号"),
    ("Chen Jing", "广东省", "广州市", "天河路 8 号"),
    ("Zhang Min", "北京", "北京市", "朝阳区建国路 1 号"),
    ("Wang Fang", "浙江省", "杭州市", "文三路 5 号"),
)
TAOBAO_BUYERS = (
    ("刘洋", "江苏省 南京市 鼓楼区 中山路 18 号"),
    ("赵敏", "四川省 成都市 武侯区 人民南路 3 号"),
    ("孙丽", "湖北省 武汉市 洪山区 珞喻路 9 号"),
)


class Channels:
    def __init__(self, rng: random.Random, *, as_of: datetime):
        self.rng, self.as_of = rng, as_of

    def run(self) -> dict[str, int]:
        with at(self.as_of - timedelta(hours=1)):  # a fixed clock: the same seed gives the same rows
            return self._run()

    def _run(self) -> dict[str, int]:
        variants = list(
            Variant.objects.filter(is_active=True, product__status="listed")
            .select_related("product")
            .order_by("-product__sold_count", "id")[:40]
        )
        available = get_available_by_variant([v.pk for v in variants])
        variants = [v for v in variants if available.get(v.pk, 0) >= 5][:12]
        if not variants:
            return {"sales channels": 0}
        shopify = sync.create_channel(
            actor=None,
            kind="shopify",
            name="Shopify 海外店",
            shop_domain="dianpu-demo.myshopify.com",
            access_token="shpat_demo_0000000000000000",
            webhook_secret="demo-webhook-secret",
            location_id="61234567",
            stock_buffer=2,
        )
        for index, v in enumerate(variants[:8]):
            ChannelListing.objects.create(
                channel=shopify,
                variant=v,
                external_sku=v.sku,
                title=v.product.name[:200],
                external_product_id=str(7000 + index),
                external_variant_id=str(4000 + index),
                inventory_item_id=str(9000 + index),
            )
        ChannelListing.objects.create(
            channel=shopify,
            external_sku="GIFT-CARD",
            title="Gift card",
            external_product_id="7999",
            external_variant_id="4999",
            inventory_item_id="9999",
        )
        taken = 0
        for n in range(6):
            v = self.rng.choice(variants[:8])
            name, province, city, line = self.rng.choice(SHOPIFY_ADDRESSES)
            placed = self.as_of - timedelta(days=self.rng.randint(0, 20), hours=self.rng.randint(1, 10))
            data = {
                "id": 5_100_000 + n,
                "name": f"#{1001 + n}",
                "email": f"buyer{n}@example.com",
                "financial_status": "paid",
                "created_at": placed.isoformat(),
                "line_items": [
                    {
                        "variant_id": 4000 + variants.index(v),
                        "sku": v.sku,
                        "title": v.product.name,
                        "quantity": 1,
                        "price": str(v.price),
                    }
                ],
                "shipping_lines": [{"price": "0.00"}],
                "shipping_address": {
                    "name": name,
                    "phone": f"1390000{1000 + n}",
                    "address1": line,
                    "city": city,
                    "province": province,
                    "country_code": "CN",
                },
            }
            taken += sync.take_order(shopify, json.loads(json.dumps(data)), source="webhook") == "created"
        sync.take_order(
            shopify,
            {
                "id": 5_199_999,
                "name": "#1099",
                "email": "gift@example.com",
                "financial_status": "paid",
                "created_at": self.as_of.isoformat(),
                "line_items": [
                    {"variant_id": 4999, "sku": "GIFT-CARD", "title": "Gift card", "quantity": 1, "price": "100.00"}
                ],
            },
            source="webhook",
        )
        taobao = sync.create_channel(actor=None, kind="taobao", name="淘宝旗舰店", stock_share_percent=50)
        goods = [["宝贝ID", "宝贝标题", "SKU ID", "商家编码", "宝贝数量"]]
        goods += [[str(600 + i), v.product.name, str(50_000 + i), v.sku, "0"] for i, v in enumerate(variants)]
        files.import_listings(channel=taobao, content=_gbk(goods), filename="出售中的宝贝.csv", actor=None)
        orders = [
            [
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
        ]
        for n in range(4):
            v = self.rng.choice(variants)
            buyer, address = self.rng.choice(TAOBAO_BUYERS)
            placed = self.as_of - timedelta(days=self.rng.randint(0, 10), hours=self.rng.randint(1, 10))
            orders.append(
                [
                    f"3{self.rng.randrange(10**17, 10**18)}",
                    placed.strftime("%Y-%m-%d %H:%M:%S"),
                    v.product.name,
                    v.sku,
                    "1",
                    str(v.price),
                    buyer,
                    f"1380000{2000 + n}",
                    address,
                    "0.00",
                ]
            )
        placed = files.import_orders(channel=taobao, content=_gbk(orders), filename="已卖出的宝贝.csv", actor=None)
        return {"sales channels": 2, "channel orders": taken + len(placed.created)}


def _gbk(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("gb18030")
