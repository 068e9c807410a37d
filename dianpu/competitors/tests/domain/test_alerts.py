from decimal import Decimal as D

from dianpu.competitors.domain.alerts import (
    Reading,
    changes_between,
    is_undercut,
    starts_promotion,
    suggest_price,
    trend,
)


def test_undercut_only_beyond_the_margin():
    assert is_undercut(D("94.99"), D("100.00"), D("5")) is True
    assert is_undercut(D("95.00"), D("100.00"), D("5")) is False
    assert is_undercut(D("120.00"), D("100.00"), D("0")) is False
    assert is_undercut(D("99.99"), D("100.00"), D("0")) is True


def test_promotion_starts_when_a_new_text_appears():
    assert starts_promotion("", "满199减20") is True
    assert starts_promotion("满199减20", "满199减20") is False
    assert starts_promotion("满199减20", "") is False
    assert starts_promotion("满199减20", "第二件半价") is True


def test_suggested_price_never_breaks_the_floor():
    assert suggest_price(their_price=D("80.00"), our_price=D("100.00"), floor=D("60.00")) == D("80.00")
    assert suggest_price(their_price=D("50.00"), our_price=D("100.00"), floor=D("60.00")) == D("60.00")
    assert suggest_price(their_price=D("120.00"), our_price=D("100.00"), floor=D("60.00")) == D("100.00")
    assert suggest_price(their_price=D("50.00"), our_price=D("55.00"), floor=D("60.00")) == D("60.00")


def test_changes_since_the_previous_reading():
    before = Reading(price=D("99"), promotion_text="", main_image_url="a.jpg", detail_hash="h1", sales_count=10)
    after = Reading(price=D("89"), promotion_text="限时折扣", main_image_url="b.jpg", detail_hash="h2", sales_count=10)
    assert changes_between(before, after) == ["price", "promotion", "main_image", "detail"]
    assert changes_between(None, after) == []
    assert changes_between(before, before) == []


def test_trend_over_a_period():
    assert trend([D("10"), D("12"), D("15")]) == "rising"
    assert trend([D("10"), None, D("8")]) == "falling"
    assert trend([D("10")]) == "flat"
