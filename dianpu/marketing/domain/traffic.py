"""Traffic and spend, pure: UTM links, channel names, ad-spend rows, ROAS and commissions."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

UTM_VALUE = re.compile(r"^[A-Za-z0-9_\-.\u4e00-\u9fff]{1,100}$")
AD_SPEND_COLUMNS = ("date", "channel", "spend")
OPTIONAL_COLUMNS = ("campaign", "clicks", "impressions")


def build_utm_url(
    base_url: str, *, source: str, medium: str, campaign: str, content: str = "", term: str = ""
) -> tuple[str, dict[str, str]]:
    """(url, errors). Keeps the base URL's own query; utm_* values replace any already there."""
    errors = {}
    parts = urlsplit((base_url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors["base_url"] = "url_invalid"
    values = {
        "utm_source": source,
        "utm_medium": medium,
        "utm_campaign": campaign,
        "utm_content": content,
        "utm_term": term,
    }
    for key in ("utm_source", "utm_medium", "utm_campaign"):
        if not (values[key] or "").strip():
            errors[key.removeprefix("utm_")] = "required"
    for key, value in values.items():
        value = (value or "").strip()
        if value and not UTM_VALUE.match(value):
            errors[key.removeprefix("utm_")] = "utm_value_invalid"
    if errors:
        return "", errors
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.startswith("utm_")]
    query += [(k, v.strip()) for k, v in values.items() if (v or "").strip()]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), parts.fragment)), {}


def channel_of(utm_source: str, referrer_host: str) -> str:
    """The channel an order came from: its utm_source, else the referring site, else direct."""
    if utm_source:
        return utm_source.strip().lower()
    if referrer_host:
        return referrer_host.strip().lower().removeprefix("www.")
    return "direct"


@dataclass(frozen=True)
class SpendRow:
    day: date
    channel: str
    campaign: str
    spend: Decimal
    clicks: int
    impressions: int


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _whole(value: object) -> int | None:
    if value in (None, ""):
        return 0
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None
    return int(number) if number >= 0 and number == number.to_integral_value() else None


def parse_ad_spend(rows: list[list[Any]]) -> tuple[list[SpendRow], list[str]]:
    """Rows as read from a CSV or XLSX sheet, header first. Returns (rows, errors), each error
    naming its line ("第 3 行：…" is made by the caller from (line, code))."""
    if not rows:
        return [], ["1:empty"]
    header = [str(h or "").strip().lower() for h in rows[0]]
    missing = [c for c in AD_SPEND_COLUMNS if c not in header]
    if missing:
        return [], [f"1:missing_columns:{','.join(missing)}"]
    at = {name: header.index(name) for name in AD_SPEND_COLUMNS + OPTIONAL_COLUMNS if name in header}
    parsed, errors, seen = [], [], set()
    for number, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * (len(header) - len(row))
        if all(c in (None, "") for c in cells):
            continue

        def cell(name: str) -> Any:
            return cells[at[name]] if name in at else None

        day = _day(cell("date"))
        channel = str(cell("channel") or "").strip().lower()
        campaign = str(cell("campaign") or "").strip()
        try:
            spend = Decimal(str(cell("spend")).replace(",", "").replace("¥", "").strip())
        except (InvalidOperation, ValueError):
            spend = None
        clicks, impressions = _whole(cell("clicks")), _whole(cell("impressions"))
        if day is None:
            errors.append(f"{number}:date_invalid")
        elif not channel or len(channel) > 100:
            errors.append(f"{number}:channel_invalid")
        elif spend is None or not spend.is_finite() or spend < 0:
            errors.append(f"{number}:spend_invalid")
        elif clicks is None or impressions is None:
            errors.append(f"{number}:count_invalid")
        elif (day, channel, campaign) in seen:
            errors.append(f"{number}:row_repeated")
        else:
            seen.add((day, channel, campaign))
            parsed.append(
                SpendRow(
                    day, channel, campaign[:100], spend.quantize(Decimal("0.01"), ROUND_HALF_UP), clicks, impressions
                )
            )
    return parsed, errors


def roas(revenue: Decimal, spend: Decimal) -> Decimal | None:
    """Revenue per yuan of ad spend, two decimals; None without spend."""
    if not spend:
        return None
    return (Decimal(revenue) / Decimal(spend)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def cost_per_order(spend: Decimal, orders: int) -> Decimal | None:
    if not orders:
        return None
    return (Decimal(spend) / orders).quantize(Decimal("0.01"), ROUND_HALF_UP)


def commission(revenue: Decimal, rate: Decimal) -> Decimal:
    """rate is 0–1."""
    return (Decimal(revenue) * Decimal(rate)).quantize(Decimal("0.01"), ROUND_HALF_UP)
