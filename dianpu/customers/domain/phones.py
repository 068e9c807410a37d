"""Phone numbers, checked and written in E.164 with the phonenumbers library (Google's
libphonenumber metadata). Pure."""

import phonenumbers


def normalize_phone(raw: str, region: str = "CN") -> str | None:
    """ "+8613812345678" for a valid number (national or international form); None when invalid."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 30:
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """ "+86 138****5678": the last four digits and the first three of the subscriber number."""
    digits = (phone or "").strip()
    if len(digits) < 7:
        return "****" if digits else ""
    return digits[:-8] + "****" + digits[-4:] if len(digits) > 8 else digits[:2] + "****" + digits[-2:]
