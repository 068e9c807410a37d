"""Reading a price as shops write it: ¥1,299.00, 1299元, ￥99-129 (the low end), 券后价 ¥89 (the
after-coupon price), 1.2万. Pure: text in, Decimal (to the fen) or None out."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
_NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_PRICE = re.compile(_NUMBER + r"\s*(万)?(?:\s*(?:元|块)?\s*(?:-|~|～|—|–|至|到)\s*[¥￥]?\s*" + _NUMBER + r"\s*(万)?)?")
_AFTER_COUPON = re.compile(r"券后(?:价)?\s*[:：]?\s*[¥￥]?\s*")


def _amount(number: str, wan: str | None) -> Decimal | None:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    return value * 10000 if wan else value


def parse_price(text: str | None) -> Decimal | None:
    """The price in `text`, or None when it holds none. A range gives its low end; with a 券后价
    (after-coupon price) that price is the one a buyer pays, so it wins."""
    if not text:
        return None
    text = str(text).replace("\u00a0", " ").strip()
    coupon = _AFTER_COUPON.search(text)
    if coupon:
        after = _PRICE.match(text, coupon.end())
        if after:
            text = text[coupon.end() :]
    match = _PRICE.search(text)
    if not match:
        return None
    low = _amount(match.group(1), match.group(2))
    if match.group(3):
        high = _amount(match.group(3), match.group(4))
        if high is not None and low is not None:
            low = min(low, high)
    if low is None:
        return None
    return low.quantize(FEN, rounding=ROUND_HALF_UP)
