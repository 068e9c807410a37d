"""The bestseller flag rule: three days of falls → declining; still below after seven → improve or replace."""

from decimal import Decimal

from dianpu.analytics.domain.flags import DECLINING, IMPROVE_OR_REPLACE, FlagRule, evaluate_flag, evaluate_series

RULE = FlagRule()


def test_steady_or_rising_figures_are_not_flagged():
    assert evaluate_series([10, 10, 10, 10, 10], RULE) is None
    assert evaluate_series([10, 11, 12, 13, 14], RULE) is None


def test_two_days_of_falls_are_not_yet_a_decline():
    assert evaluate_series([100, 100, 90, 80], RULE) is None


def test_three_days_of_falls_running_make_a_product_declining():
    assert evaluate_series([100, 100, 90, 80, 70], RULE) == DECLINING


def test_a_flat_day_breaks_the_run():
    assert evaluate_series([100, 90, 90, 80, 70], RULE) is None


def test_still_below_the_level_before_the_fall_seven_days_later_means_improve_or_replace():
    # baseline 100 (day 0), falls on days 1-3, stays low; day 7 is seven days after the baseline
    assert evaluate_series([100, 90, 80, 70, 75, 72, 71], RULE) == DECLINING
    assert evaluate_series([100, 90, 80, 70, 75, 72, 71, 70], RULE) == IMPROVE_OR_REPLACE


def test_recovering_to_the_earlier_level_clears_the_flag():
    assert evaluate_series([100, 90, 80, 70, 85, 100], RULE) is None


def test_windows_and_thresholds_are_settings():
    two_day_rule = FlagRule(decline_days=2, recovery_days=4)
    assert evaluate_series([100, 90, 80], two_day_rule) == DECLINING
    assert evaluate_series([100, 90, 80, 85, 90], two_day_rule) == IMPROVE_OR_REPLACE
    gentle = FlagRule(min_drop_percent=Decimal("10"))
    assert evaluate_series([100, 95, 91, 88], gentle) is None  # falls of under 10 % do not count
    assert evaluate_series([100, 80, 60, 40], gentle) == DECLINING


def test_the_most_severe_metric_decides():
    series = {"visitors": [100, 90, 80, 70], "sales": [10, 10, 10, 10]}
    assert evaluate_flag(series, RULE) == DECLINING
    assert evaluate_flag(series, FlagRule(metrics=("sales",))) is None
