"""Campaign pages of the console: the calendar (list, new, from a festival template), the live
page (ECharts: sales vs goal by hour) and the post-campaign report."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.core import clock
from dianpu.core.errors import DomainError, ValidationFailed
from dianpu.core.exports import Column, Table, export_response, wants_export
from dianpu.core.uploads import MB, UploadLimits, UploadRefused, check_upload_size, read_upload
from dianpu.marketing import queries, services
from dianpu.marketing.domain.festivals import FESTIVALS

NEEDS = roles.MANAGE_MARKETING
STATUS_LABELS = {"live": gettext_lazy("进行中"), "scheduled": gettext_lazy("未开始"), "ended": gettext_lazy("已结束")}
SUGGESTIONS = {
    "behind_goal": gettext_lazy("销售进度落后于目标：可考虑加大满减力度、增加推广投放或推送优惠券。"),
    "budget_nearly_spent": gettext_lazy("促销成本已用去预算的九成以上：请关注是否需要提前结束部分促销。"),
    "restock": gettext_lazy("部分活动商品库存告急：请尽快补货或下调推广力度。"),
}

BANNER_LIMITS = UploadLimits(max_bytes=10 * MB)


def _campaign(pk):
    try:
        return queries.get_campaign(pk)
    except DomainError as exc:
        raise Http404(str(exc.detail)) from exc


def _words(value: str) -> list[str]:
    return [w.strip() for w in (value or "").replace("，", ",").split(",") if w.strip()]


@staff_permission_required(NEEDS)
def campaign_list(request):
    errors, field_errors = [], {}
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("action") == "template":
                campaign = services.create_campaign_from_template(
                    code=post.get("template", ""),
                    year=int(post.get("year") or clock.now().year),
                    budget=post.get("budget") or 0,
                    sales_goal=post.get("sales_goal") or 0,
                    product_slugs=_words(post.get("products", "")),
                    actor=request.user,
                )
            else:
                campaign = services.create_campaign(
                    name=post.get("name", ""),
                    starts_at=services.parse_local(post.get("starts_at", "")),
                    ends_at=services.parse_local(post.get("ends_at", "")),
                    budget=post.get("budget") or 0,
                    sales_goal=post.get("sales_goal") or 0,
                    product_slugs=_words(post.get("products", "")),
                    promotion_ids=post.getlist("promotions"),
                    utm_campaign=post.get("utm_campaign", ""),
                    notes=post.get("notes", ""),
                    actor=request.user,
                )
            messages.success(request, _("营销活动「%(name)s」已创建。") % {"name": campaign.name})
            return redirect("console:marketing:campaign-live", pk=campaign.pk)
        except ValidationFailed as exc:
            errors, field_errors = [str(exc.detail)], exc.errors
        except (DomainError, ValueError) as exc:
            errors = [str(getattr(exc, "detail", exc))]
    now = clock.now()
    rows = [
        {
            "c": c,
            "status": queries.campaign_status(c, now),
            "status_label": STATUS_LABELS[queries.campaign_status(c, now)],
        }
        for c in queries.list_campaigns()
    ]
    from dianpu.promotions.queries import list_promotions

    return render(
        request,
        "marketing/console/campaign_list.html",
        {
            "promotions": list(list_promotions(status="live")) + list(list_promotions(status="scheduled")),
            "rows": rows,
            "festivals": FESTIVALS,
            "year": timezone.localtime(now).year,
            "errors": errors,
            "field_errors": field_errors,
            "post": request.POST,
        },
        status=422 if errors else 200,
    )


@staff_permission_required(NEEDS)
def campaign_live(request, pk):
    campaign = _campaign(pk)
    live = queries.get_campaign_live(campaign)
    return render(
        request,
        "marketing/console/campaign_live.html",
        {
            "campaign": campaign,
            "live": live,
            "status_label": STATUS_LABELS[live["status"]],
            "suggestions": [SUGGESTIONS[s] for s in live["suggestions"]],
            "chart_data": {
                **live["chart"],
                "labels_text": {"sales": _("每小时销售额"), "cumulative": _("累计销售额"), "goal": _("目标进度")},
            },
        },
    )


@staff_permission_required(NEEDS)
def campaign_report(request, pk):
    campaign = _campaign(pk)
    report = queries.get_campaign_report(campaign)
    if wants_export(request):
        tables = {
            "by_day": Table(
                "campaign_daily_sales",
                _("每日销售额"),
                [Column("day", _("日期")), Column("sales", _("销售额"), numeric=True)],
                [{"day": str(day), "sales": amount} for day, amount in report["by_day"]],
            ),
            "top_products": Table(
                "campaign_top_products",
                _("热销商品"),
                [
                    Column("sku", _("SKU")),
                    Column("product_name", _("商品")),
                    Column("units", _("件数"), numeric=True),
                    Column("sales", _("销售额"), numeric=True),
                ],
                list(report["top_products"]),
            ),
            "promotion_costs": Table(
                "campaign_promotion_costs",
                _("各促销成本"),
                [
                    Column("label", _("促销")),
                    Column("orders", _("订单数"), numeric=True),
                    Column("amount", _("促销成本"), numeric=True),
                ],
                [{**r, "label": str(r["label"])} for r in report["promotion_costs"]],
            ),
        }
        return export_response(request, tables.get(request.GET.get("table"), tables["by_day"]))
    return render(request, "marketing/console/campaign_report.html", {"campaign": campaign, "report": report})


# --- merchandising (店铺装修) -------------------------------------------------------------------


@staff_permission_required(NEEDS)
def merchandising(request):
    from dianpu.marketing import merchandising as shelf

    errors = []
    if request.method == "POST":
        post = request.POST
        try:
            position = int(post.get("position") or 0)
        except ValueError:
            position = 0
        try:
            if post.get("action") == "banner":
                check_upload_size(request.FILES.get("image"), BANNER_LIMITS)
                shelf.create_banner(
                    title=post.get("title", ""),
                    title_en=post.get("title_en", ""),
                    subtitle=post.get("subtitle", ""),
                    link_url=post.get("link_url", ""),
                    image=request.FILES.get("image"),
                    position=position,
                    starts_at=services.parse_local(post.get("starts_at", "")),
                    ends_at=services.parse_local(post.get("ends_at", "")),
                    actor=request.user,
                )
                messages.success(request, _("横幅已保存。"))
            elif post.get("action") == "slot":
                shelf.create_featured_slot(
                    product_slug=post.get("product", ""),
                    position=position,
                    starts_at=services.parse_local(post.get("starts_at", "")),
                    ends_at=services.parse_local(post.get("ends_at", "")),
                    actor=request.user,
                )
                messages.success(request, _("推荐位已保存。"))
            elif post.get("action") == "remove_banner":
                banner = shelf.Banner.objects.filter(pk=post.get("id")).first()
                if banner:
                    shelf.remove_banner(banner, actor=request.user)
            elif post.get("action") == "remove_slot":
                slot = shelf.FeaturedSlot.objects.filter(pk=post.get("id")).first()
                if slot:
                    shelf.remove_featured_slot(slot, actor=request.user)
            return redirect("console:marketing:merchandising")
        except ValidationFailed as exc:
            errors = [str(exc.detail), *(f"{k}: {v}" for k, v in exc.errors.items())]
        except UploadRefused as exc:
            errors = [str(exc.detail)]
    now = clock.now()
    return render(
        request,
        "marketing/console/merchandising.html",
        {
            "banners": shelf_list(now, "banners"),
            "slots": shelf_list(now, "slots"),
            "errors": errors,
            "bestsellers": _bestsellers(),
            "now": now,
        },
        status=422 if errors else 200,
    )


def shelf_list(now, which):
    from dianpu.marketing.models import Banner, FeaturedSlot

    rows = Banner.objects.all() if which == "banners" else FeaturedSlot.objects.select_related("product")
    return [{"item": r, "live": r.starts_at <= now < r.ends_at and getattr(r, "is_active", True)} for r in rows]


def _bestsellers():
    from dianpu.marketing.merchandising import list_bestsellers

    return list_bestsellers(days=30, limit=10)


# --- traffic and spend -------------------------------------------------------------------------


def _range(request):
    from datetime import timedelta

    today = timezone.localtime(clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    start = services.parse_local(request.GET.get("start", "")) or today - timedelta(days=29)
    end = services.parse_local(request.GET.get("end", "")) or today + timedelta(days=1)
    return start, end


@staff_permission_required(NEEDS)
def traffic(request):
    from dianpu.marketing import traffic as spend
    from dianpu.marketing.domain.traffic import build_utm_url
    from dianpu.marketing.messages import FIELD_ERRORS

    errors = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "import":
                upload = request.FILES.get("file")
                if upload is None:
                    errors = [_("请选择要导入的文件。")]
                else:
                    saved = spend.import_ad_spend(
                        content=read_upload(upload, spend.UPLOAD_LIMITS), filename=upload.name, actor=request.user
                    )
                    messages.success(request, _("已导入 %(n)s 行广告花费。") % {"n": saved})
                    return redirect("console:marketing:traffic")
            elif request.POST.get("action") == "affiliate":
                spend.create_affiliate(
                    code=request.POST.get("code", ""),
                    name=request.POST.get("name", ""),
                    commission_rate=request.POST.get("commission_rate", ""),
                    coupon_code=request.POST.get("coupon", ""),
                    actor=request.user,
                )
                messages.success(request, _("推广达人已保存。"))
                return redirect("console:marketing:traffic")
        except ValidationFailed as exc:
            errors = [str(exc.detail), *(f"{k}: {v}" for k, v in exc.errors.items())]
        except UploadRefused as exc:
            errors = [str(exc.detail)]
    utm = {k: request.GET.get(k, "") for k in ("base_url", "source", "medium", "campaign", "content", "term")}
    link, link_errors = "", {}
    if utm["base_url"]:
        link, codes = build_utm_url(
            utm["base_url"],
            source=utm["source"],
            medium=utm["medium"],
            campaign=utm["campaign"],
            content=utm["content"],
            term=utm["term"],
        )
        link_errors = {k: str(FIELD_ERRORS.get(v, v)) for k, v in codes.items()}
    start, end = _range(request)
    return render(
        request,
        "marketing/console/traffic.html",
        {
            "errors": errors,
            "utm": utm,
            "link": link,
            "link_errors": link_errors,
            "channels": spend.report_channels(start, end),
            "commissions": spend.report_commissions(start, end),
            "start": start,
            "end": end,
        },
        status=422 if errors else 200,
    )


# --- e-mail campaigns and cart recovery ---------------------------------------------------------


@staff_permission_required(NEEDS)
def email_campaigns(request):
    from dianpu.marketing import email_campaigns as mail
    from dianpu.marketing.models import EmailCampaign

    errors = []
    if request.method == "POST":
        post = request.POST
        try:
            if post.get("action") == "recovery":
                try:
                    delay = int(post.get("delay_minutes") or 0)
                except ValueError:
                    delay = 0
                mail.set_cart_recovery(
                    is_active=bool(post.get("is_active")),
                    delay_minutes=delay,
                    coupon_code=post.get("coupon", ""),
                    actor=request.user,
                )
                messages.success(request, _("购物车挽回设置已保存。"))
            else:
                mail.schedule_email_campaign(
                    name=post.get("name", ""),
                    subject=post.get("subject", ""),
                    subject_en=post.get("subject_en", ""),
                    body=post.get("body", ""),
                    body_en=post.get("body_en", ""),
                    audience=post.get("audience", "all"),
                    recipients=post.get("recipients", ""),
                    scheduled_at=services.parse_local(post.get("scheduled_at", "")) or clock.now(),
                    actor=request.user,
                )
                messages.success(request, _("邮件已排期，将由后台任务按时发送。"))
            return redirect("console:marketing:email-campaigns")
        except ValidationFailed as exc:
            errors = [str(exc.detail), *(f"{k}: {v}" for k, v in exc.errors.items())]
    return render(
        request,
        "marketing/console/email_campaigns.html",
        {
            "campaigns": EmailCampaign.objects.all()[:50],
            "recovery": mail.recovery_settings(),
            "errors": errors,
            "post": request.POST,
            "audiences": [
                ("all", _("全部客户")),
                ("recent_buyers", _("近 90 天下单的客户")),
                ("lapsed", _("180 天未下单的老客户")),
                ("list", _("指定名单")),
            ],
        },
        status=422 if errors else 200,
    )
