"""Checks on a quantity typed by a person. Pure."""


def parse_quantity(raw: object, *, allow_zero: bool = False, allow_negative: bool = False) -> int | None:
    """An int from user input, or None when it is not a whole number in range."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        if not text or not text.lstrip("+-").isdigit():
            return None
        value = int(text)
    if value < 0 and not allow_negative:
        return None
    if value == 0 and not allow_zero:
        return None
    return value
