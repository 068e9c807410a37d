"""Taobao / Tmall through 千牛卖家中心 files: 出售中的宝贝 export (one row per SKU), the batch stock
update file, 已卖出的宝贝 order export (one row per order line; the address on one line), and
the batch shipping (批量发货) file. Our SKU is the platform's 商家编码."""

from .seller_centre import SellerCentre

CENTRE = SellerCentre(
    code="taobao",
    name="淘宝/天猫",
    listing_columns={
        "sku_id": "SKU ID",
        "product_id": "宝贝ID",
        "title": "宝贝标题",
        "sku": "商家编码",
        "stock": "宝贝数量",
    },
    stock_header=("SKU ID", "商家编码", "宝贝数量"),
    order_mapping={
        "order_number": "订单编号",
        "placed_at": "订单创建时间",
        "sku": "商家编码",
        "product_name": "宝贝标题",
        "quantity": "购买数量",
        "unit_price": "价格",
        "ship_name": "收货人姓名",
        "ship_phone": "联系手机",
        "ship_province": "省",
        "ship_city": "市",
        "ship_line1": "详细地址",
        "shipping_total": "买家支付邮费",
    },
    shipping_header=("订单编号", "物流公司", "运单号"),
    address_column="收货地址",
)
