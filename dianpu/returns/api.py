"""After-sales endpoints: staff work the queue; a buyer opens a request with order number + e-mail."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Query, Router, Schema, Status

from dianpu.accounts import throttling
from dianpu.accounts.auth import StaffToken, require_perm
from dianpu.accounts.domain import roles
from dianpu.core.bounds import PageNumber
from dianpu.core.errors import DomainError, NotFoundError
from dianpu.core.http import client_ip
from dianpu.orders.queries import get_order, get_order_for_customer

from . import queries, services
from .messages import MESSAGES
from .models import ReturnRequest

router = Router(tags=["returns"])


class Problem(Schema):
    code: str
    detail: str


class ReturnLineIn(Schema):
    sku: str = Field(max_length=64)
    quantity: int = Field(ge=1)


class ReturnIn(Schema):
    kind: str = Field(
        description="return, exchange, refund_only (before delivery too), or intercept (拦截: "
        "stop a parcel in transit; the whole parcel, lines not needed)"
    )
    reason: str = Field(
        description="damaged, wrong_item, not_as_described, size_fit, quality, missing_parts, "
        "changed_mind, late_delivery, other"
    )
    reason_detail: str = Field("", max_length=500)
    lines: list[ReturnLineIn] = Field(default=[], max_length=100)


class CustomerReturnIn(ReturnIn):
    order_number: str = Field(max_length=20)
    email: str = Field(max_length=254)


class NoteIn(Schema):
    note: str = Field("", max_length=500)


class ShipmentIn(Schema):
    carrier: str
    tracking_number: str = Field(max_length=40)


class InspectionIn(Schema):
    sku: str
    restocked: int | None = Field(None, ge=0, description="default: the returned quantity less written_off")
    written_off: int = Field(0, ge=0)
    note: str = Field("", max_length=300)


class ReplacementIn(Schema):
    sku: str = Field(max_length=64, description="the returned line's SKU")
    replacement_sku: str = Field(max_length=64, description="the option sent instead (same product)")


class ExchangeOrderIn(Schema):
    lines: list[ReplacementIn] = Field(default=[], description="omitted lines are replaced by the same SKU")


class ReceiveIn(Schema):
    lines: list[InspectionIn] = Field(
        default=[], max_length=100, description="omitted SKUs: every returned unit restocked"
    )


class RefundIn(Schema):
    include_shipping: bool = False
    amount: Decimal | None = Field(None, max_digits=12, decimal_places=2, gt=0)
    manual: bool = False


class ReturnLineOut(Schema):
    sku: str
    name: str
    quantity: int
    restocked: int
    written_off: int
    refund_amount: Decimal


class ReturnOut(Schema):
    number: str
    order_number: str
    kind: str
    status: str
    reason: str
    reason_detail: str
    source: str
    carrier: str
    tracking_number: str
    created_at: datetime
    refund_id: int | None
    refund_due: Decimal
    lines: list[ReturnLineOut]
    replacement_order_number: str = Field("", description="the exchange's replacement order, once created")
    allowed_actions: list[str]


class ReturnSummary(Schema):
    number: str
    order_number: str
    kind: str
    status: str
    reason: str
    units: int
    created_at: datetime


class ReturnList(Schema):
    items: list[ReturnSummary]
    count: int
    page: int


class ReturnFilters(Schema):
    status: str = ""
    kind: str = ""
    search: str = ""
    page: PageNumber = 1
    page_size: int = 50


class RateRow(Schema):
    """by=product: product_id, name, sold, returned, rate. by=reason: reason, label, requests, units, share."""

    product_id: int | None = None
    name: str | None = None
    sold: int | None = None
    returned: int | None = None
    rate: Decimal | None = None
    reason: str | None = None
    label: str | None = None
    requests: int | None = None
    units: int | None = None
    share: Decimal | None = None


class RateFilters(Schema):
    by: str = Field("product", description="product or reason")
    date_from: date | None = None
    date_to: date | None = None


def return_out(request: ReturnRequest) -> dict:
    due = {d["line_id"]: d["amount"] for d in queries.calculate_refund_due(request)["lines"]}
    return {
        "number": request.number,
        "order_number": request.order.number,
        "kind": request.kind,
        "status": request.status,
        "reason": request.reason,
        "reason_detail": request.reason_detail,
        "source": request.source,
        "carrier": request.carrier,
        "tracking_number": request.tracking_number,
        "created_at": request.created_at,
        "refund_id": request.refund_id,
        "refund_due": sum(due.values(), Decimal(0)),
        "lines": [
            {
                "sku": ln.order_line.sku,
                "name": ln.order_line.product_name,
                "quantity": ln.quantity,
                "restocked": ln.restocked_quantity,
                "written_off": ln.written_off_quantity,
                "refund_amount": due.get(ln.pk, Decimal("0.00")),
            }
            for ln in request.lines.select_related("order_line")
        ],
        "replacement_order_number": request.replacement_order.number if request.replacement_order_id else "",
        "allowed_actions": queries.list_allowed_return_actions(request),
    }


def _lines_by_sku(order, lines: list[ReturnLineIn]) -> dict[int, int]:
    by_sku = {}
    for line in order.lines.all():
        by_sku.setdefault(line.sku, line.pk)
    wanted: dict[int, int] = {}
    for ln in lines:
        if ln.sku not in by_sku:
            raise DomainError(str(MESSAGES["return_line_unknown"]), code="return_line_unknown", status=422, sku=ln.sku)
        wanted[by_sku[ln.sku]] = wanted.get(by_sku[ln.sku], 0) + ln.quantity
    return wanted


@router.post(
    "/returns",
    response={201: ReturnOut, 404: Problem, 422: Problem, 429: Problem},
    summary="A buyer opens an after-sales request (order number + the order's e-mail); "
    "429 too_many_requests when this client tried too often",
)
def customer_request(request, payload: CustomerReturnIn):
    client = client_ip(request)
    if throttling.is_return_request_refused(payload.order_number, client):
        raise DomainError(str(MESSAGES["too_many_requests"]), code="too_many_requests", status=429)
    throttling.record_return_request(client)
    order = get_order_for_customer(payload.order_number, payload.email)
    if order is None:
        throttling.record_order_lookup_failure(payload.order_number, client)
        raise NotFoundError(str(MESSAGES["order_lookup_failed"]), code="order_not_found")
    created = services.request_return(
        order=order,
        kind=payload.kind,
        reason=payload.reason,
        reason_detail=payload.reason_detail,
        lines=_lines_by_sku(order, payload.lines),
        source=ReturnRequest.Source.CUSTOMER,
        ip_address=client_ip(request),
    )
    return Status(201, return_out(created))


@router.get("/returns", auth=StaffToken(), response=ReturnList, summary="The after-sales queue, newest first")
def list_returns(request, filters: Query[ReturnFilters]):
    require_perm(request.auth, roles.VIEW_RETURNS)
    rows = queries.list_returns(status=filters.status, kind=filters.kind, search=filters.search)
    size, page = max(1, min(filters.page_size, 200)), max(1, filters.page)
    items = [
        {
            "number": r.number,
            "order_number": r.order.number,
            "kind": r.kind,
            "status": r.status,
            "reason": r.reason,
            "units": r.units or 0,
            "created_at": r.created_at,
        }
        for r in rows[(page - 1) * size : page * size]
    ]
    return {"items": items, "count": rows.count(), "page": page}


@router.get("/returns/{number}", auth=StaffToken(), response=ReturnOut, summary="One after-sales request")
def get_return(request, number: str):
    require_perm(request.auth, roles.VIEW_RETURNS)
    return return_out(queries.get_return(number))


@router.post(
    "/orders/{number}/returns",
    auth=StaffToken(),
    response={201: ReturnOut, 422: Problem},
    summary="An agent opens an after-sales request for an order",
)
def agent_request(request, number: str, payload: ReturnIn):
    require_perm(request.auth, roles.VIEW_RETURNS, roles.MANAGE_RETURNS)
    order = get_order(number)
    created = services.request_return(
        order=order,
        kind=payload.kind,
        reason=payload.reason,
        reason_detail=payload.reason_detail,
        lines=_lines_by_sku(order, payload.lines),
        actor=request.auth,
        source=ReturnRequest.Source.AGENT,
        ip_address=client_ip(request),
    )
    return Status(201, return_out(created))


def _step(request, number: str, permission: str, call, **kwargs) -> dict:
    require_perm(request.auth, roles.VIEW_RETURNS, permission)
    target = queries.get_return(number)
    call(request=target, actor=request.auth, ip_address=client_ip(request), **kwargs)
    return return_out(queries.get_return(number))


@router.post(
    "/returns/{number}/approve",
    auth=StaffToken(),
    response={200: ReturnOut, 409: Problem, 422: Problem},
    summary="Approve a request (the buyer is told)",
)
def approve(request, number: str, payload: NoteIn):
    return _step(request, number, roles.MANAGE_RETURNS, services.approve_return, note=payload.note)


@router.post(
    "/returns/{number}/reject",
    auth=StaffToken(),
    response={200: ReturnOut, 409: Problem, 422: Problem},
    summary="Reject a request (a reason is required)",
)
def reject(request, number: str, payload: NoteIn):
    return _step(request, number, roles.MANAGE_RETURNS, services.reject_return, note=payload.note)


@router.post(
    "/returns/{number}/cancel",
    auth=StaffToken(),
    response={200: ReturnOut, 409: Problem},
    summary="Withdraw a request not yet received",
)
def cancel(request, number: str, payload: NoteIn):
    return _step(request, number, roles.MANAGE_RETURNS, services.cancel_return, note=payload.note)


@router.post(
    "/returns/{number}/shipment",
    auth=StaffToken(),
    response={200: ReturnOut, 409: Problem, 422: Problem},
    summary="Record the return parcel's carrier and tracking number",
)
def shipment(request, number: str, payload: ShipmentIn):
    return _step(
        request,
        number,
        roles.MANAGE_RETURNS,
        services.record_return_shipment,
        carrier=payload.carrier,
        tracking_number=payload.tracking_number,
    )


@router.post(
    "/returns/{number}/intercept",
    auth=StaffToken(),
    response={200: ReturnOut, 409: Problem, 422: Problem},
    summary="拦截: the agent asked the carrier to stop the parcel (an intercept request, status requested)",
)
def intercept(request, number: str, payload: NoteIn):
    return _step(request, number, roles.MANAGE_RETURNS, services.request_intercept, note=payload.note)


@router.post(
    "/returns/{number}/intercepted",
    auth=StaffToken(),
    response={200: ReturnOut, 409: Problem, 422: Problem},
    summary="The carrier stopped the parcel: it comes back, then is received and refunded",
)
def intercepted(request, number: str, payload: NoteIn):
    return _step(
        request, number, roles.MANAGE_RETURNS, services.record_intercept_outcome, stopped=True, note=payload.note
    )


@router.post(
    "/returns/{number}/intercept-failed",
    auth=StaffToken(),
    response={200: ReturnOut, 409: Problem, 422: Problem},
    summary="The carrier could not stop the parcel: the request ends (a return after delivery instead)",
)
def intercept_failed(request, number: str, payload: NoteIn):
    return _step(
        request, number, roles.MANAGE_RETURNS, services.record_intercept_outcome, stopped=False, note=payload.note
    )


@router.post(
    "/returns/{number}/receive",
    auth=StaffToken(),
    response={200: ReturnOut, 409: Problem, 422: Problem},
    summary="Goods received and inspected: per SKU how many restocked and how many written off; "
    "a SKU not listed is restocked in full (the proposal)",
)
def receive(request, number: str, payload: ReceiveIn):
    require_perm(request.auth, roles.VIEW_RETURNS, roles.RECEIVE_RETURNS)
    target = queries.get_return(number)
    returned = {ln.order_line.sku: ln for ln in target.lines.select_related("order_line")}
    inspections = {}
    for item in payload.lines:
        if item.sku not in returned:
            raise DomainError(
                str(MESSAGES["return_line_unknown"]), code="return_line_unknown", status=422, sku=item.sku
            )
        line = returned[item.sku]
        restocked = item.restocked if item.restocked is not None else max(line.quantity - item.written_off, 0)
        inspections[line.pk] = (restocked, item.written_off, item.note)
    services.receive_return(request=target, inspections=inspections, actor=request.auth, ip_address=client_ip(request))
    return return_out(queries.get_return(number))


@router.post(
    "/returns/{number}/refund",
    auth=StaffToken(),
    response={200: ReturnOut, 409: Problem, 422: Problem, 502: Problem},
    summary="Refund what was paid for the returned lines (shipping if asked), through the gateway or manual",
)
def refund(request, number: str, payload: RefundIn):
    return _step(
        request,
        number,
        roles.REFUND_ORDER,
        services.refund_return,
        include_shipping=payload.include_shipping,
        amount=payload.amount,
        manual=payload.manual,
    )


@router.post(
    "/returns/{number}/exchange-order",
    auth=StaffToken(),
    response={201: ReturnOut, 409: Problem, 422: Problem},
    summary="Create the replacement order of a received exchange (same address, the exchanged "
    "options, total = price difference); 409 when not received or already created",
)
def exchange_order(request, number: str, payload: ExchangeOrderIn):
    require_perm(request.auth, roles.VIEW_RETURNS, roles.MANAGE_RETURNS)
    target = queries.get_return(number)
    by_sku = {ln.order_line.sku: ln.pk for ln in target.lines.select_related("order_line")}
    replacements = {}
    for ln in payload.lines:
        if ln.sku not in by_sku:
            raise DomainError(str(MESSAGES["return_line_unknown"]), code="return_line_unknown", status=422, sku=ln.sku)
        replacements[by_sku[ln.sku]] = ln.replacement_sku
    services.create_exchange_order(
        request=target, replacements=replacements, actor=request.auth, ip_address=client_ip(request)
    )
    return Status(201, return_out(queries.get_return(number)))


@router.post(
    "/returns/{number}/close",
    auth=StaffToken(),
    response={200: ReturnOut, 409: Problem},
    summary="Close a received or refunded request",
)
def close(request, number: str, payload: NoteIn):
    return _step(request, number, roles.MANAGE_RETURNS, services.close_return, note=payload.note)


@router.get(
    "/reports/return-rate",
    auth=StaffToken(),
    response=list[RateRow],
    exclude_none=True,
    summary="Return rate by product (sold, returned, rate 0–1) or by reason (requests, units, share)",
)
def return_rate(request, filters: Query[RateFilters]):
    require_perm(request.auth, roles.VIEW_RETURNS)
    if filters.by == "reason":
        return queries.return_rate_by_reason(date_from=filters.date_from, date_to=filters.date_to)
    return queries.return_rate_by_product(date_from=filters.date_from, date_to=filters.date_to)
