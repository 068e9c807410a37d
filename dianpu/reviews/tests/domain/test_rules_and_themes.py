from dianpu.reviews.domain.rules import can_review, is_valid_rating, mask_name
from dianpu.reviews.domain.themes import find_themes


def test_only_delivered_or_completed_orders_are_reviewed_with_a_whole_rating_1_to_5():
    assert can_review("delivered") and can_review("completed")
    assert not can_review("shipped") and not can_review("paid") and not can_review("cancelled")
    assert [v for v in (0, 1, 5, 6, 3.0, True, "5") if is_valid_rating(v)] == [1, 5]


def test_a_reviewers_name_is_masked():
    assert (mask_name("王小明"), mask_name("alice"), mask_name("王"), mask_name("  ")) == ("王**", "a****", "王**", "")


def test_themes_are_the_phrases_most_reviews_say_counted_once_per_review():
    low = ["尺码偏小，面料一般", "尺码偏小了，尺码偏小！", "尺码偏小，颜色发暗", "物流太慢"]
    assert find_themes(low) == [("尺码偏小", 3)]
    high = ["面料舒服，颜色好看", "颜色好看，面料舒服透气", "Great fabric, great fit", "great fabric"]
    assert find_themes(high) == [("great fabric", 2), ("面料舒服", 2), ("颜色好看", 2)]  # longer first on a tie
    assert find_themes(["好"], min_reviews=1) == []  # single characters say nothing
