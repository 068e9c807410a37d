"""Membership tiers: the highest threshold reached wins; changes are up or down."""

from decimal import Decimal

from dianpu.customers.domain.phones import mask_phone, normalize_phone
from dianpu.customers.domain.tiers import TierRule, evaluate_tier, tier_change

TIERS = [
    TierRule("silver", 1, Decimal("500")),
    TierRule("gold", 2, Decimal("2000")),
    TierRule("diamond", 3, Decimal("8000")),
]


def test_spend_earns_the_highest_tier_whose_threshold_it_reaches():
    assert evaluate_tier(Decimal("499.99"), TIERS) == ""
    assert evaluate_tier(Decimal("500.00"), TIERS) == "silver"
    assert evaluate_tier(Decimal("7999.99"), list(reversed(TIERS))) == "gold"
    assert evaluate_tier(Decimal("12000"), TIERS) == "diamond"


def test_a_tier_change_is_an_upgrade_or_a_downgrade():
    assert tier_change("", "silver", TIERS) == "upgrade"
    assert tier_change("gold", "silver", TIERS) == "downgrade"
    assert tier_change("gold", "", TIERS) == "downgrade"
    assert tier_change("gold", "gold", TIERS) == ""


def test_phone_numbers_are_checked_with_libphonenumber_and_written_in_e164():
    assert normalize_phone("138 0013 8000") == "+8613800138000"
    assert normalize_phone("+86 138-0013-8000") == "+8613800138000"
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone("12345") is None
    assert normalize_phone("1380013800") is None  # one digit short
    assert normalize_phone("call me") is None


def test_a_masked_phone_shows_only_the_ends():
    assert mask_phone("+8613800138000") == "+86138****8000"
    assert mask_phone("") == ""
