"""Pinduoduo (拼多多商家后台) files: the goods export (one row per SKU: SKU ID, SKU编码), the
stock update file, the order export (订单查询 → 批量导出; province, city, district and street in
their own columns), and the batch shipping (批量发货) file."""

from .seller_centre import SellerCentre

CENTRE = SellerCentre(
    code="pdd",
    name="拼多多",
    listing_columns={
        "sku_id": "SKU ID",
        "product_id": "商品ID",
        "title": "商品名称",
        "sku": "SKU编码",
        "stock": "库存",
    },
    stock_header=("SKU ID", "SKU编码", "库存"),
    order_mapping={
        "order_number": "订单号",
        "placed_at": "订单成交时间",
        "sku": "商家编码-SKU维度",
        "product_name": "商品",
        "quantity": "商品数量(件)",
        "unit_price": "商品单价(元)",
        "ship_name": "收货人",
        "ship_phone": "手机",
        "ship_province": "省",
        "ship_city": "市",
        "ship_line1": "详细地址",
        "shipping_total": "运费(元)",
    },
    shipping_header=("订单号", "快递公司", "快递单号"),
)
