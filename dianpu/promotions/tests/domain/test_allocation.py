"""Splitting a discount across lines: exact to the fen, within each line's cap."""

from hypothesis import given
from hypothesis import strategies as st

from dianpu.promotions.domain.allocation import allocate


def test_split_in_proportion_with_the_remainder_to_the_largest_fraction():
    assert allocate(1000, [3333, 3333, 3334], [3333, 3333, 3334]) == [333, 333, 334]


def test_what_a_capped_line_cannot_take_goes_to_the_others():
    assert allocate(2000, [10000, 5000], [500, 5000]) == [500, 1500]


def test_nobody_can_take_more_than_their_caps():
    assert allocate(5000, [100, 100], [10, 20]) == [10, 20]


@given(
    st.integers(0, 10**7), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=20)
)
def test_parts_add_up_and_respect_caps(total, lines):
    weights = [w for w, _c in lines]
    caps = [c for _w, c in lines]
    parts = allocate(total, weights, caps)
    assert sum(parts) == min(total, sum(caps))
    assert all(0 <= p <= c for p, c in zip(parts, caps, strict=True))
