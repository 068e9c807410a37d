"""One phone check for every form and API: libphonenumber's lengths and ranges per country."""

import pytest

from dianpu.core.phones import check_phone


@pytest.mark.parametrize(
    "phone, country",
    [
        ("13800138000", "CN"),
        ("138 0013 8000", "CN"),
        ("+86 138-0013-8000", "CN"),
        ("19912345678", ""),
        ("010-12345678", "CN"),  # a Beijing landline with its area code
        ("9123 4567", "HK"),
        ("+852 9123 4567", "CN"),
        ("0912 345 678", "TW"),
        ("(415) 555-2671", "us"),
        ("06 12 34 56 78", "FR"),
        ("+1 415 555 2671", "CN"),
    ],
)
def test_real_numbers_of_the_country_shipped_to_pass(phone, country):
    assert check_phone(phone, country) is None


@pytest.mark.parametrize(
    "phone, country, code",
    [
        ("1380013800", "CN", "phone_mobile_digits"),  # one digit short
        ("138001380001", "CN", "phone_mobile_digits"),  # one digit too many
        ("1380013800", "", "phone_mobile_digits"),  # no country: mainland China
        ("12345678901", "CN", "phone_invalid"),  # 11 digits, but no mobile range starts 12
        ("13800138000", "US", "phone_invalid"),  # a Chinese mobile dialled in the US needs +86
        ("415 555 267", "US", "phone_invalid"),
        ("9123 456", "HK", "phone_invalid"),
        ("138-0013-800a", "CN", "phone_invalid"),
        ("", "CN", "phone_invalid"),
        ("+", "CN", "phone_invalid"),
    ],
)
def test_numbers_that_cannot_be_dialled_are_refused_with_a_code(phone, country, code):
    assert check_phone(phone, country) == code
