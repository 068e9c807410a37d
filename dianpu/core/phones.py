"""Telephone numbers, checked with `phonenumbers` (libphonenumber's metadata: lengths and number
ranges of every country), the one check used wherever a phone is entered — checkout (storefront
and API), suppliers.

`check_phone(value, country)` reads the number as dialled in `country` (the shipping address's
two-letter code; CN when none) — or in any country when it starts with "+" — and returns None when
it is a real number there, else an error code: `phone_mobile_digits` for a mainland mobile
without its 11 digits, `phone_invalid` otherwise.
"""

import re

import phonenumbers

DEFAULT_COUNTRY = "CN"
ALLOWED = re.compile(r"^\+?[0-9 ()\-.]{3,30}$")


def check_phone(value: str, country: str = "") -> str | None:
    text = (value or "").strip()
    region = (country or DEFAULT_COUNTRY).strip().upper()
    if not ALLOWED.match(text):
        return "phone_invalid"
    try:
        number = phonenumbers.parse(text, region if len(region) == 2 and region.isalpha() else DEFAULT_COUNTRY)
    except phonenumbers.NumberParseException:
        return "phone_invalid"
    if phonenumbers.is_valid_number(number):
        return None
    national = str(number.national_number)
    if number.country_code == 86 and national.startswith("1") and len(national) != 11:
        return "phone_mobile_digits"
    return "phone_invalid"
