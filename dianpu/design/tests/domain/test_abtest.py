"""The A/B split and the significance maths, with numbers worked out by hand."""

import math
from collections import Counter

import pytest

from dianpu.design.domain.abtest import (
    ArmFigures,
    assign_arm,
    fnv1a_32,
    mix32,
    suggest_winner,
    two_proportion_z_test,
)


def test_fnv1a_matches_the_published_test_vectors():
    # FNV-1a 32-bit reference values (Fowler/Noll/Vo): "" -> 0x811c9dc5, "a" -> 0xe40c292c, "foobar" -> 0xbf9cf968
    assert fnv1a_32("") == 0x811C9DC5
    assert fnv1a_32("a") == 0xE40C292C
    assert fnv1a_32("foobar") == 0xBF9CF968


def test_browser_and_server_agree_on_these_visitors():
    # the same numbers design/static/design/ab.js computes (checked with node: Math.imul FNV-1a + mix32)
    assert fnv1a_32("7:abc123def456") == 1664605146
    assert mix32(fnv1a_32("7:abc123def456")) == 3412933948
    assert mix32(fnv1a_32("12:访客")) == 133240255
    assert assign_arm(3, "ffffffffffffffffffffffff", 3) == 2


def test_a_visitor_always_sees_the_same_image():
    first = assign_arm(42, "3f9a0c1d2e4b5a6978695a4b", 2)
    assert all(assign_arm(42, "3f9a0c1d2e4b5a6978695a4b", 2) == first for _ in range(20))


def test_visitors_split_evenly_between_two_and_three_images():
    visitors = [f"{n:024x}" for n in range(30_000)]
    two = Counter(assign_arm(7, v, 2) for v in visitors)
    three = Counter(assign_arm(7, v, 3) for v in visitors)
    assert set(two) == {0, 1} and all(abs(c - 15_000) < 450 for c in two.values())  # within 3%
    assert set(three) == {0, 1, 2} and all(abs(c - 10_000) < 300 for c in three.values())


def test_each_experiment_splits_visitors_afresh():
    visitors = [f"v{n:010d}" for n in range(2000)]
    same = sum(assign_arm(1, v, 2) == assign_arm(2, v, 2) for v in visitors)
    assert 850 < same < 1150  # independent: about half agree


def test_z_test_worked_by_hand():
    # 200/1000 = 20% vs 150/1000 = 15%: pooled p = 350/2000 = 0.175;
    # SE = sqrt(0.175 × 0.825 × (1/1000 + 1/1000)) = sqrt(0.00028875) = 0.0169926;
    # z = 0.05 / 0.0169926 = 2.9425; two-sided p = erfc(2.9425 / √2) = 0.003256
    result = two_proportion_z_test(200, 1000, 150, 1000)
    assert result.z == pytest.approx(2.9425, abs=1e-4)
    assert result.p_value == pytest.approx(0.003256, abs=1e-5)


def test_z_test_small_difference_is_not_significant():
    # 52/1000 vs 48/1000: pooled 0.05, SE = sqrt(0.05 × 0.95 × 0.002) = 0.0097468, z = 0.004 / 0.0097468 = 0.4104
    result = two_proportion_z_test(52, 1000, 48, 1000)
    assert result.z == pytest.approx(0.4104, abs=1e-4)
    assert result.p_value == pytest.approx(math.erfc(0.4104 / math.sqrt(2)), abs=1e-4)
    assert result.p_value > 0.6


def test_z_test_without_data_or_variance():
    assert two_proportion_z_test(0, 0, 5, 100).p_value == 1.0
    assert two_proportion_z_test(0, 100, 0, 100).p_value == 1.0


def test_the_significantly_better_image_is_suggested():
    verdict = suggest_winner([ArmFigures(0, 1000, 150), ArmFigures(1, 1000, 200)])
    assert verdict.winner == 1 and verdict.reason == "significant"
    assert verdict.p_value == pytest.approx(0.003256, abs=1e-5)


def test_no_winner_while_not_significant_or_too_few_impressions():
    assert suggest_winner([ArmFigures(0, 1000, 52), ArmFigures(1, 1000, 48)]).reason == "not_significant"
    assert suggest_winner([ArmFigures(0, 99, 50), ArmFigures(1, 1000, 10)]).reason == "too_few_impressions"
    assert suggest_winner([ArmFigures(0, 500, 50), ArmFigures(1, 500, 50)]).reason == "tie"


def test_three_images_best_is_compared_with_the_runner_up():
    # best 20% vs runner-up 19%: not significant even though 20% vs 10% would be
    verdict = suggest_winner([ArmFigures(0, 1000, 100), ArmFigures(1, 1000, 200), ArmFigures(2, 1000, 190)])
    assert verdict.winner is None and verdict.reason == "not_significant"
