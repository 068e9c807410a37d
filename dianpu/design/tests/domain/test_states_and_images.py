"""The brief's status machine and the image checks, without a database."""

import pytest

from dianpu.design.domain.images import ImageFacts, check_image, ratio_text, requirement_for
from dianpu.design.domain.states import allowed_actions, next_status


def test_a_brief_goes_to_the_designer_and_back():
    assert next_status("open", "submit") == "in_review"
    assert next_status("in_review", "request_changes") == "changes_requested"
    assert next_status("changes_requested", "submit") == "in_review"
    assert next_status("in_review", "approve") == "approved"
    assert next_status("approved", "apply") == "applied"


def test_actions_out_of_turn_are_refused():
    assert next_status("open", "approve") is None
    assert next_status("applied", "cancel") is None
    assert next_status("approved", "submit") is None
    assert next_status("open", "no-such-action") is None


def test_each_side_sees_only_its_buttons():
    assert allowed_actions("open", {"designer"}) == ["submit"]
    assert allowed_actions("open", {"operator"}) == ["cancel"]
    assert allowed_actions("in_review", {"operator"}) == ["approve", "request_changes", "cancel"]
    assert allowed_actions("in_review", {"designer"}) == []


MAIN = requirement_for("main")


def facts(w=800, h=800, kb=200, white=1.0, fmt="JPEG"):
    return ImageFacts(format=fmt, width=w, height=h, size_bytes=kb * 1024, white_border_share=white)


def test_a_good_main_image_passes_and_a_larger_square_one_too():
    assert check_image(facts(), MAIN) == []
    assert check_image(facts(1600, 1600), MAIN) == []


def test_main_image_problems_are_named_with_their_numbers():
    assert [(p.code, p.params) for p in check_image(facts(600, 600), MAIN)] == [
        ("image_too_small", {"width": 600, "height": 600, "need_width": 800, "need_height": 800})
    ]
    assert [p.code for p in check_image(facts(1000, 800), MAIN)] == ["image_ratio"]
    assert check_image(facts(1000, 800), MAIN)[0].params == {"ratio": "5:4", "need_ratio": "1:1"}
    assert [(p.code, p.params) for p in check_image(facts(kb=4000), MAIN)] == [
        ("image_too_heavy", {"kb": 4000, "max_kb": 3072})
    ]
    assert [(p.code, p.params) for p in check_image(facts(white=0.5), MAIN)] == [("image_not_white", {"percent": 50})]
    assert [p.code for p in check_image(facts(fmt="GIF"), MAIN)] == ["image_format"]


def test_a_detail_image_has_any_height_and_no_white_rule():
    detail = requirement_for("detail")
    assert check_image(facts(750, 3000, white=0.0), detail) == []
    assert [p.code for p in check_image(facts(700, 3000), detail)] == ["image_too_small"]


def test_requirement_sizes_are_bounded():
    with pytest.raises(ValueError):
        requirement_for("main", width=50)
    with pytest.raises(KeyError):
        requirement_for("poster")
    assert requirement_for("banner", white_background=True).white_background is True
    assert ratio_text(1920, 600) == "16:5"
