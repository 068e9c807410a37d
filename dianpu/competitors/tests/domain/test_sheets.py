from datetime import datetime
from decimal import Decimal

from dianpu.competitors.domain.sheets import map_header, parse_rows


def test_chinese_and_english_headers_and_rows():
    columns, missing = map_header(["竞品商品ID", "时间", "价格", "促销", "销量", "评分"])
    assert missing == []
    rows, errors = parse_rows(
        columns,
        [
            (2, ["7", "2026-12-01 09:00", "¥1,299.00", "满减", "1,200", "4.8"]),
            (3, ["", "", "", "", "", ""]),
            (4, ["7", "2026/12/02", "券后价 99", "", "", ""]),
            (5, ["x", "2026-12-02", "99", "", "", ""]),
            (6, ["7", "昨天", "99", "", "", ""]),
            (7, ["7", "2026-12-02", "-5", "", "", ""]),
            (8, ["7", "2026-12-02", "5", "", "abc", ""]),
            (9, ["7", "2026-12-02", "5", "", "", "9"]),
        ],
    )
    assert [(r.line, r.competitor_product_id, r.taken_at, r.price, r.sales_count, r.rating) for r in rows] == [
        (2, 7, datetime(2026, 12, 1, 9, 0), Decimal("1299.00"), 1200, Decimal("4.8")),
        (4, 7, datetime(2026, 12, 2), Decimal("99.00"), None, None),
    ]
    assert errors == [(5, "competitor_product_id"), (6, "taken_at"), (7, "price"), (8, "number"), (9, "rating")]
    assert map_header(["name", "price"])[1] == ["competitor_product_id", "taken_at"]
