"""Staff e-mails about stock: the morning inventory sheet and low-stock alerts. Sent to active
staff who may adjust stock (roles owner, operator, warehouse), in the shop's language."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from dianpu.accounts.domain.roles import ADJUST_STOCK
from dianpu.shop.queries import get_shop_profile

from .exports import build_daily_sheet_file, daily_sheet_filename
from .queries import count_stock_actions, cover_rows, list_levels_by_id, list_stock_summaries, local_today

ALERT_ROWS = 200  # listed in one alert e-mail; the console lists them all
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def stock_staff_emails() -> list[str]:
    users = (
        get_user_model()
        .objects.with_perm(ADJUST_STOCK, include_superusers=True)
        .filter(is_active=True, is_staff=True)
        .exclude(email="")
        .order_by("email")
    )
    return sorted({u.email for u in users})


def send_daily_sheet(day=None) -> int:
    """Mail the sheet of `day` (default today) with the XLSX of every SKU attached (built by the
    worker, streamed from the maintained summary); returns the number of recipients."""
    recipients = stock_staff_emails()
    if not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        day = day or local_today()
        counts = count_stock_actions()
        context = {
            "day": day,
            "shop_name": get_shop_profile().name,
            "skus": sum(counts.values()),
            "counts": counts,
            "restock": cover_rows(list_stock_summaries(action="restock", sort="cover")[:20], window=7),
            "clear": cover_rows(list_stock_summaries(action="clear", sort="-age")[:20], window=7),
            "url": f"{settings.SITE_URL}/console/inventory/daily/",
        }
        subject = _("库存日报 %(day)s") % {"day": day.isoformat()}
        body = render_to_string("inventory/email/daily_sheet.txt", context)
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        with build_daily_sheet_file(day) as sheet:
            message.attach(daily_sheet_filename(day), sheet.read(), XLSX_TYPE)
    message.send()
    return len(recipients)


def send_low_stock_alert(level_ids: list[int]) -> int:
    recipients = stock_staff_emails()
    if not recipients or not level_ids:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        levels = list(list_levels_by_id(level_ids[:ALERT_ROWS]))
        subject = _("库存预警：%(count)s 个 SKU 低于安全库存") % {"count": len(level_ids)}
        body = render_to_string(
            "inventory/email/low_stock.txt",
            {
                "levels": levels,
                "more": max(0, len(level_ids) - ALERT_ROWS),
                "shop_name": get_shop_profile().name,
                "url": f"{settings.SITE_URL}/console/inventory/?low=on",
            },
        )
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients).send()
    return len(recipients)
