"""The channel dashboard: every connected channel (last sync, errors, orders and sales), one
channel's page (sync now, buffer and share, held orders with retry, listings and their pushed
stock, the seller-centre files of file-based platforms). Thin edges over channels.sync/queries."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dianpu.accounts.decorators import staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.channels import files, queries, services, sync
from dianpu.channels.models import Channel
from dianpu.core.errors import DomainError, ValidationFailed
from dianpu.core.http import client_ip
from dianpu.core.uploads import read_upload
from dianpu.inventory.queries import list_warehouses

NEEDS = roles.MANAGE_CHANNELS


def _int(value, default=0) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _error_text(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        return "；".join(str(v) for v in exc.errors.values())
    return str(exc.detail)


@staff_permission_required(NEEDS)
def channel_list(request):
    if request.method == "POST":
        post = request.POST
        try:
            channel = sync.create_channel(
                actor=request.user,
                kind=post.get("kind", ""),
                name=post.get("name", ""),
                shop_domain=post.get("shop_domain", ""),
                access_token=post.get("access_token", ""),
                webhook_secret=post.get("webhook_secret", ""),
                location_id=post.get("location_id", ""),
                stock_buffer=_int(post.get("stock_buffer"), -1),
                stock_share_percent=_int(post.get("stock_share_percent"), -1),
                api_base=post.get("api_base", ""),
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            messages.error(request, _error_text(exc))
            return redirect("console:channels:channel-list")
        messages.success(request, _("渠道「%(name)s」已连接。") % {"name": channel.name})
        return redirect("console:channels:channel-detail", channel.pk)
    channels = list(queries.list_channels())
    figures = queries.figures_for(channels)
    return render(
        request,
        "channels/console/channel_list.html",
        {"rows": [(c, figures[c.pk]) for c in channels], "kinds": Channel.Kind.choices},
    )


@staff_permission_required(NEEDS)
def channel_detail(request, channel_id: int):
    try:
        channel = sync.get_channel(channel_id)
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "sync":
                job = sync.start_sync(channel=channel, actor=request.user)
                return redirect(f"{reverse('console:channels:channel-detail', args=[channel.pk])}?job={job.pk}")
            elif action == "settings":
                sync.update_channel(
                    actor=request.user,
                    channel=channel,
                    enabled=request.POST.get("enabled") == "on",
                    stock_buffer=_int(request.POST.get("stock_buffer"), -1),
                    stock_share_percent=_int(request.POST.get("stock_share_percent"), -1),
                    warehouses=request.POST.getlist("warehouses"),
                    ip_address=client_ip(request),
                )
                messages.success(request, _("渠道设置已保存，库存将重新推送。"))
            elif action in ("listings_file", "orders_file"):
                upload = request.FILES.get("file")
                if upload is None:
                    raise DomainError(_("请选择文件。"), code="file_missing", status=422)
                content = read_upload(upload, services.UPLOAD_LIMITS)
                if action == "listings_file":
                    result = files.import_listings(
                        channel=channel,
                        content=content,
                        filename=upload.name,
                        actor=request.user,
                        ip_address=client_ip(request),
                    )
                    messages.success(
                        request,
                        _("已导入商品：%(mapped)s 个 SKU 已对应，%(unmapped)s 个未对应。")
                        % {"mapped": result.mapped, "unmapped": result.unmapped},
                    )
                else:
                    result = files.import_orders(
                        channel=channel,
                        content=content,
                        filename=upload.name,
                        actor=request.user,
                        ip_address=client_ip(request),
                    )
                    messages.success(
                        request,
                        _("已导入 %(created)s 个新订单，跳过 %(skipped)s 个已导入的订单。")
                        % {"created": len(result.created), "skipped": len(result.skipped)},
                    )
            elif action == "map":
                listing = sync.map_listing(
                    actor=request.user,
                    channel=channel,
                    listing_id=request.POST.get("listing_id", ""),
                    sku=request.POST.get("sku", ""),
                    ip_address=client_ip(request),
                )
                messages.success(
                    request,
                    _("已对应：%(theirs)s → %(ours)s")
                    % {
                        "theirs": listing.external_sku or listing.external_variant_id,
                        "ours": listing.variant.sku if listing.variant_id else "—",
                    },
                )
            elif action == "retry":
                outcome = sync.retry_intake(
                    actor=request.user,
                    intake_id=request.POST.get("intake_id", ""),
                    channel_id=channel.pk,
                    ip_address=client_ip(request),
                )
                messages.info(request, sync.describe_outcome(outcome))
        except services.ImportRefused as exc:
            messages.error(
                request,
                str(exc.detail)
                + " "
                + "；".join(f"{line['row']} {line['column']}: {line['message']}" for line in exc.lines[:20]),
            )
        except DomainError as exc:
            messages.error(request, _error_text(exc))
        return redirect("console:channels:channel-detail", channel.pk)
    channel.refresh_from_db()
    job = None
    if request.GET.get("job"):
        try:
            job = sync.get_sync_job(channel, request.GET["job"])
        except DomainError:
            job = None
    chosen = set(channel.warehouses.values_list("pk", flat=True))
    return render(
        request,
        "channels/console/channel_detail.html",
        {
            "job": job,
            "warehouses": [(w, w.pk in chosen) for w in list_warehouses()],
            "channel": channel,
            "figures": queries.figures_for([channel])[channel.pk],
            "shown": queries.channel_out(channel),
            "listings": queries.list_listings(channel),
            "intakes": queries.list_intakes(channel),
            "webhook_path": f"/api/v1/channels/{channel.pk}/webhooks/shopify",
        },
    )


@staff_permission_required(NEEDS)
def sync_job(request, channel_id: int, job_id: int):
    """The progress of a queued "sync now" (polled by htmx every second while it runs)."""
    try:
        job = sync.get_sync_job(sync.get_channel(channel_id), job_id)
    except DomainError:
        raise Http404 from None
    return render(request, "channels/console/_sync_progress.html", {"job": job, "channel_id": channel_id})


@staff_permission_required(NEEDS)
def channel_download(request, channel_id: int):
    """?file=stock|shipping&format=csv|xlsx: the platform's stock update or batch shipping file."""
    try:
        channel = sync.get_channel(channel_id)
        which, fmt = request.GET.get("file", "stock"), request.GET.get("format", "csv")
        if which == "shipping":
            data = files.export_shipping(channel=channel, fmt=fmt)
        else:
            which = "stock"
            data = files.export_stock(channel=channel, fmt=fmt, actor=request.user)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, _error_text(exc))
        return redirect("console:channels:channel-list")
    response = HttpResponse(data, content_type=files.XLSX if fmt == "xlsx" else "text/csv; charset=gb18030")
    response["Content-Disposition"] = f'attachment; filename="{channel.kind}-{which}.{fmt}"'
    return response
