"""Day boundaries in the shop's time zone (settings.TIME_ZONE), explicitly: a "day" in every
figure is the shop's calendar day, from local midnight to the next local midnight."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings


def shop_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime) -> date:
    """The shop's calendar day of an aware datetime."""
    return moment.astimezone(shop_tz()).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=shop_tz())


def period_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """[start of date_from, start of the day after date_to) as aware datetimes."""
    return day_start(date_from), day_start(date_to + timedelta(days=1))


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The period of the same length just before."""
    length = (date_to - date_from).days + 1
    return date_from - timedelta(days=length), date_from - timedelta(days=1)


def days_between(date_from: date, date_to: date) -> list[date]:
    return [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
