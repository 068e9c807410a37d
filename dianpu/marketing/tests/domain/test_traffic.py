from datetime import date
from decimal import Decimal

from dianpu.marketing.domain.traffic import build_utm_url, channel_of, commission, parse_ad_spend, roas


def test_utm_link_keeps_the_page_query_and_replaces_old_utm_values():
    url, errors = build_utm_url(
        "https://shop.example.com/c/tea/?sort=new&utm_source=old",
        source="douyin",
        medium="cpc",
        campaign="double11-2026",
    )
    assert errors == {}
    assert url == "https://shop.example.com/c/tea/?sort=new&utm_source=douyin&utm_medium=cpc&utm_campaign=double11-2026"


def test_utm_link_refuses_bad_input():
    assert build_utm_url("shop", source="", medium="a b", campaign="x")[1] == {
        "base_url": "url_invalid",
        "source": "required",
        "medium": "utm_value_invalid",
    }


def test_channel_roas_and_commission():
    assert channel_of("Douyin", "") == "douyin" and channel_of("", "www.zhihu.com") == "zhihu.com"
    assert channel_of("", "") == "direct"
    assert roas(Decimal("1000"), Decimal("250")) == Decimal("4.00") and roas(Decimal("1"), Decimal("0")) is None
    assert commission(Decimal("333.33"), Decimal("0.1")) == Decimal("33.33")


def test_ad_spend_rows_name_each_bad_line():
    rows, errors = parse_ad_spend(
        [
            ["date", "channel", "spend", "clicks"],
            ["2026-11-11", "Douyin", "1,200.50", "300"],
            ["2026-13-01", "douyin", "5", ""],
            ["2026-11-11", "douyin", "-1", ""],
            ["2026-11-11", "douyin", "3", ""],
            [None, None, None, None],
        ]
    )
    assert rows[0].day == date(2026, 11, 11) and rows[0].channel == "douyin" and rows[0].spend == Decimal("1200.50")
    assert errors == ["3:date_invalid", "4:spend_invalid", "5:row_repeated"]
    assert parse_ad_spend([["day", "spend"]])[1] == ["1:missing_columns:date,channel"]
