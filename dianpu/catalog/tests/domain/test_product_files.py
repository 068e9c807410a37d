"""Product file formats and price rules, without a database."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dianpu.catalog.domain import product_files as pf
from dianpu.catalog.domain.pricing import PriceChange, calculate_floor, calculate_new_price

money = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999"), places=2)
sku = st.from_regex(r"[A-Z]{2,4}-[0-9]{1,5}", fullmatch=True)


def product(variants, handle="tee", options=True) -> pf.ProductOut:
    return pf.ProductOut(
        handle=handle,
        name="纯棉T恤",
        name_en="Tee",
        description="<p>好</p>",
        description_en="",
        brand="店铺",
        category="apparel",
        category_path=("服装",),
        tags=("夏季",),
        status="listed",
        seo_title="T",
        seo_description="D",
        variants=tuple(
            {
                "sku": s,
                "options": {"尺码": f"S{i}"} if options else {},
                "price": p,
                "sale_price": None,
                "member_price": None,
                "compare_at_price": None,
                "cost_price": Decimal("1.00"),
                "weight_grams": 100,
                "barcode": "",
                "stock": 3,
            }
            for i, (s, p) in enumerate(variants)
        ),
        images=(),
        ref=7,
    )


@given(st.lists(st.tuples(sku, money), min_size=1, max_size=5, unique_by=lambda t: t[0]))
def test_every_format_reads_back_what_it_wrote(variants):
    for file_format in pf.FORMATS:
        rows = list(pf.rows_for(file_format, product(variants)))
        header = list(pf.header_for(file_format))
        assert pf.detect_format(header) == file_format
        parsed = pf.parse_rows(file_format, header, [(i + 2, [str(c) for c in r]) for i, r in enumerate(rows)])
        assert parsed.errors == []
        assert [(r.sku, r.price, r.stock) for r in parsed.rows] == [(s, p, 3) for s, p in variants]
        assert {r.name for r in parsed.rows} == {"纯棉T恤"}


def test_bad_values_are_named_by_line_and_column():
    header = ["handle", "sku", "price", "stock", "weight_grams", "options"]
    rows = [(2, ["a", "A-1", "¥1,299.00", "5", "", "颜色:红"]), (3, ["a", "A-2", "NaN", "-1", "-1.5", "红"])]
    parsed = pf.parse_rows("native", header, rows)
    assert [(r.sku, r.price, r.options) for r in parsed.rows] == [("A-1", Decimal("1299.00"), {"颜色": "红"})]
    assert [(e.line, e.column, e.code) for e in parsed.errors] == [
        (3, "price", "price_not_number"),
        (3, "options", "options_invalid"),
        (3, "weight_grams", "weight_invalid"),
        (3, "stock", "quantity_invalid"),
    ]


@given(money, st.sampled_from(["amount", "percent", "set"]), st.decimals(min_value=-1000, max_value=1000, places=2))
def test_a_bulk_price_change_never_gives_a_negative_price(old, mode, value):
    new = calculate_new_price(old, PriceChange(mode, value))
    assert new >= 0 and new == new.quantize(Decimal("0.01"))


@given(money, st.decimals(min_value=0, max_value=500, places=2))
def test_the_floor_is_never_below_cost_times_one_plus_margin(cost, margin):
    floor = calculate_floor(cost, margin)
    if cost == 0:
        assert floor is None
    else:
        assert floor >= cost * (1 + margin / 100) and floor - cost * (1 + margin / 100) < Decimal("0.01")


@pytest.mark.parametrize(
    "text, unit, grams",
    [
        ("226.796185", "g", 227),
        ("145", "g", 145),
        (".5", "lbs", 227),
        ("1.5", "lbs", 680),
        ("8", "oz", 227),
        ("0.25", "kg", 250),
        ("", "g", None),
    ],
)
def test_weights_in_any_unit_become_whole_grams(text, unit, grams):
    assert pf.parse_weight_as_grams(text, unit) == grams


@pytest.mark.parametrize(
    "text, scientific",
    [
        ("3.65275E+11", True),
        ("4.6347E+11", True),
        ("1e5", True),
        ("6901234567892", False),
        ("", False),
        ("ABC-1E+5", False),
    ],
)
def test_a_barcode_turned_into_scientific_notation_is_recognised(text, scientific):
    assert pf.is_scientific_notation(text) is scientific


def test_the_same_bad_value_on_many_rows_is_reported_on_each_row():
    """Values are parsed once per distinct text; a bad one is still refused on every row it is on."""
    header = ["handle", "sku", "price", "options", "stock"]
    rows = [(line, ["a", f"A-{line}", "abc", "红", "x"]) for line in (2, 3, 4)]
    parsed = pf.parse_rows("native", header, rows)
    assert parsed.rows == []
    assert [(e.line, e.column, e.code) for e in parsed.errors] == [
        (line, column, code)
        for line in (2, 3, 4)
        for column, code in (
            ("price", "price_not_number"),
            ("options", "options_invalid"),
            ("stock", "quantity_invalid"),
        )
    ]


def test_rows_with_the_same_option_text_get_options_of_their_own():
    header = ["handle", "sku", "price", "options"]
    parsed = pf.parse_rows("native", header, [(2, ["a", "A-1", "9", "尺码:M"]), (3, ["a", "A-2", "9", "尺码:M"])])
    parsed.rows[0].options["尺码"] = "L"  # a caller changing one row's options changes no other row
    assert parsed.rows[1].options == {"尺码": "M"}
    assert pf.parse_options("尺码:M") == {"尺码": "M"}


def test_a_short_row_and_a_blank_row_read_as_before():
    header = ["handle", "sku", "price", "barcode"]
    rows = [(2, ["a", "A-1", " 9 "]), (3, ["", " ", ""]), (4, [None, None, None, None])]
    parsed = pf.parse_rows("native", header, rows)
    assert [(r.line, r.sku, r.price, r.barcode) for r in parsed.rows] == [(2, "A-1", Decimal("9.00"), "")]
    assert parsed.errors == []
