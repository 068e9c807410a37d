"""Order pages of the console: thin edges over orders.queries and orders.services.transition_order."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dianpu.accounts.decorators import forbidden, staff_permission_required
from dianpu.accounts.domain import roles
from dianpu.channels.queries import channel_label, channel_labels
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.exports import Column, Table, export_response, local_time, wants_export
from dianpu.core.http import client_ip
from dianpu.core.paging import BoundedPaginator
from dianpu.fulfillment.carriers import get_carrier
from dianpu.fulfillment.queries import get_shipping_method, needs_tracking
from dianpu.orders import queries
from dianpu.orders.domain.states import ACTION_PERMISSIONS, Action
from dianpu.orders.merging import plan_split_by_warehouse
from dianpu.orders.messages import ACTION_LABELS
from dianpu.orders.models import Order
from dianpu.orders.services import transition_order
from dianpu.payments import queries as payment_queries
from dianpu.returns.queries import list_returns_for_order

from .forms import (
    TO_SHIP,
    TO_SHIP_STATUSES,
    OrderFilterForm,
    TransitionForm,
    carrier_choices,
    carrier_label,
    payment_method_label,
)

PAGE_SIZE = 30
# "Ship" for an order picked up in store: the hand-over at the counter, no carrier.
HANDED_OVER = gettext_lazy("顾客已自提")
STATUS_LABELS = dict(Order.Status.choices)


@staff_permission_required(roles.VIEW_ORDERS)
def order_list(request):
    filters = OrderFilterForm(request.GET or None)
    c = filters.cleaned_data if filters.is_valid() else {}
    status = c.get("status") or ""
    orders = queries.list_orders(
        status="" if status == TO_SHIP else status,
        statuses=TO_SHIP_STATUSES if status == TO_SHIP else (),
        search=c.get("q") or "",
        date_from=c.get("date_from"),
        date_to=c.get("date_to"),
        payment_method=c.get("payment_method") or "",
        channel=c.get("channel") or "",
    )
    if wants_export(request):
        return export_response(request, _order_table(orders))
    page = BoundedPaginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    channels = channel_labels(o.channel for o in page.object_list)
    rows = [
        {"order": o, "payment_method": payment_method_label(o.payment_method), "channel": channels[o.channel]}
        for o in page.object_list
    ]
    return render(
        request,
        "orders/console/order_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "rows": rows,
        },
    )


def _order_table(orders) -> Table:
    """The order list as exported: the page's columns, every matching order (streamed)."""
    labels: dict[str, str] = {}

    def rows():
        for o in orders.iterator(chunk_size=2000):
            if o.channel not in labels:
                labels[o.channel] = channel_label(o.channel)
            yield {
                "number": o.number,
                "placed_at": local_time(o.placed_at),
                "ship_name": o.ship_name,
                "ship_phone": o.ship_phone,
                "email": o.email,
                "payment_method": str(payment_method_label(o.payment_method)),
                "grand_total": o.grand_total,
                "status": str(STATUS_LABELS.get(o.status, o.status)),
                "channel": labels[o.channel],
                "tracking_number": o.tracking_number,
            }

    return Table(
        "orders",
        _("订单"),
        [
            Column("number", _("订单号")),
            Column("placed_at", _("下单时间")),
            Column("ship_name", _("收货人")),
            Column("ship_phone", _("电话")),
            Column("email", _("邮箱")),
            Column("payment_method", _("支付方式")),
            Column("grand_total", _("应付总额"), numeric=True),
            Column("status", _("状态")),
            Column("channel", _("渠道")),
            Column("tracking_number", _("运单号")),
        ],
        rows(),
    )


def _get_order(number: str) -> Order:
    try:
        return queries.get_order(number)
    except NotFoundError as exc:
        raise Http404(str(exc.detail)) from exc


def _detail_context(request, order: Order, form: TransitionForm | None = None) -> dict:
    allowed = queries.list_allowed_actions(order, request.user)
    shipments = []
    for shipment in order.shipments.all():
        carrier = get_carrier(shipment.carrier)
        shipments.append(
            {
                "shipment": shipment,
                "carrier": carrier_label(shipment.carrier),
                "tracking_url": carrier.tracking_url(shipment.tracking_number) if carrier else "",
            }
        )
    history = [
        {
            "row": h,
            "action": ACTION_LABELS.get(h.action, h.action),
            "from": STATUS_LABELS.get(h.from_status, h.from_status),
            "to": STATUS_LABELS.get(h.to_status, h.to_status),
        }
        for h in order.history.all()
    ]
    submitted = form.data if form is not None else {}
    splittable = (
        order.status == Order.Status.PENDING_PAYMENT
        and order.paid_at is None
        or order.status == Order.Status.PAID
        and order.paid_at is not None
    )
    can_split = (
        request.user.has_perm(roles.REVIEW_ORDER) and splittable and sum(ln.quantity for ln in order.lines.all()) > 1
    )
    split_plan = plan_split_by_warehouse(order) if can_split else {}
    tracked = needs_tracking(order.shipping_method)
    return {
        "order": order,
        "lines": list(order.lines.all()),
        "payments": list(order.payments.all()),
        "shipments": shipments,
        "history": history,
        "actions": [
            {"code": a, "label": HANDED_OVER if a == "ship" and not tracked else ACTION_LABELS[a]} for a in allowed
        ],
        "needs_tracking": tracked,
        "hold_reasons": queries.describe_hold_reasons(order),
        "can_release": request.user.has_perm(roles.REVIEW_ORDER),
        "can_split": can_split,
        "split_by_warehouse": bool(split_plan),
        "split_lines": [{"line": ln, "value": split_plan.get(ln.pk, 0)} for ln in order.lines.all()],
        "carriers": carrier_choices(),
        "submitted": submitted,
        "payment_method": payment_method_label(order.payment_method),
        "shipping_method": _shipping_method_name(order.shipping_method),
        "refunds": payment_queries.list_refunds(order.pk),
        "refund_summary": payment_queries.get_refund_summary(order.pk),
        "can_refund": request.user.has_perm(roles.REFUND_ORDER),
        "channel_name": channel_label(order.channel),
        "returns": list_returns_for_order(order.pk),
        "can_request_return": request.user.has_perm(roles.MANAGE_RETURNS),
    }


def _shipping_method_name(code: str) -> str:
    try:
        return get_shipping_method(code).display_name
    except DomainError:  # retired since the order was placed
        return code


@staff_permission_required(roles.VIEW_ORDERS)
def order_detail(request, number):
    order = _get_order(number)
    return render(request, "orders/console/order_detail.html", _detail_context(request, order))


@require_POST
@staff_permission_required(roles.VIEW_ORDERS)
def order_transition(request, number):
    order = _get_order(number)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        error = _("未知的订单操作：%(action)s。") % {"action": request.POST.get("action", "")}
        return render(
            request,
            "orders/console/order_detail.html",
            {**_detail_context(request, order, form), "error": error},
            status=422,
        )
    action = form.cleaned_data["action"]
    permission = ACTION_PERMISSIONS[Action(action)]
    if not request.user.has_perm(permission):
        return forbidden(request, permission)
    try:
        transition_order(
            order=order,
            action=action,
            actor=request.user,
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
            reason=form.cleaned_data["reason"],
            ip_address=client_ip(request),
        )
    except DomainError as exc:
        order = _get_order(number)  # as it is now: nothing was changed
        return render(
            request,
            "orders/console/order_detail.html",
            {**_detail_context(request, order, form), "error": str(exc.detail), "failed_action": action},
            status=exc.status if 400 <= exc.status < 500 else 422,
        )
    messages.success(
        request,
        _("订单 %(number)s：%(action)s，当前状态「%(status)s」。")
        % {
            "number": order.number,
            "action": ACTION_LABELS[action],
            "status": STATUS_LABELS.get(order.status, order.status),
        },
    )
    return redirect("console:orders:order-detail", number=order.number)
