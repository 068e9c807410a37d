"""JD (京东商家后台) files: the product list export (one row per SKU: 京东 SKU 编号, 商家 SKU),
the stock update file, the order export (订单查询 → 导出; one row per order line, the address on
one line), and the batch shipping (批量出库) file."""

from .seller_centre import SellerCentre

CENTRE = SellerCentre(
    code="jd",
    name="京东",
    listing_columns={
        "sku_id": "SKU编号",
        "product_id": "商品编号",
        "title": "商品名称",
        "sku": "商家SKU",
        "stock": "库存",
    },
    stock_header=("SKU编号", "商家SKU", "库存"),
    order_mapping={
        "order_number": "订单号",
        "placed_at": "下单时间",
        "sku": "商家SKU",
        "product_name": "商品名称",
        "quantity": "订购数量",
        "unit_price": "京东价",
        "ship_name": "客户姓名",
        "ship_phone": "联系电话",
        "ship_province": "省",
        "ship_city": "市",
        "ship_line1": "详细地址",
        "shipping_total": "运费金额",
    },
    shipping_header=("订单号", "物流公司", "运单号"),
    address_column="客户地址",
)
