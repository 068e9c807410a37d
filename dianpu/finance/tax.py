"""Tax settings, the tax summary per period, and invoice (发票) requests from customers."""

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from dianpu.audit.services import record_audit
from dianpu.catalog.models import Product
from dianpu.core import clock
from dianpu.orders.models import Order

from .domain import chart
from .domain.ledger import yuan
from .domain.tax import is_valid_tax_number, split_tax
from .models import FinanceSettings, InvoiceRequest
from .queries import get_margin_balances
from .services import finance_error

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def get_tax_settings() -> FinanceSettings:
    return FinanceSettings.objects.order_by("id").first() or FinanceSettings()


def _percent(value) -> Decimal:
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise finance_error("tax_rate_invalid") from None
    if not rate.is_finite() or not Decimal("0") <= rate <= Decimal("100") or rate != rate.quantize(Decimal("0.01")):
        raise finance_error("tax_rate_invalid")
    return rate


def set_tax_settings(
    *, prices_include_tax: bool, default_percent, category_percents: dict, actor=None, ip_address: str | None = None
) -> FinanceSettings:
    default = _percent(default_percent)
    rates = {}
    for key, value in (category_percents or {}).items():
        if not str(key).isdigit():
            raise finance_error("tax_rate_invalid")
        rates[str(int(key))] = str(_percent(value))
    with transaction.atomic():
        row = FinanceSettings.objects.select_for_update().order_by("id").first() or FinanceSettings.objects.create()
        before = (row.prices_include_tax, str(row.default_tax_percent), dict(row.category_tax_percents))
        row.prices_include_tax, row.default_tax_percent, row.category_tax_percents = (
            bool(prices_include_tax),
            default,
            rates,
        )
        row.updated_at = clock.now()
        row.save()
        record_audit(
            actor=actor,
            action="finance.tax_settings_changed",
            obj=row,
            object_repr="tax",
            changes={"tax": (str(before), str((row.prices_include_tax, str(default), rates)))},
            ip_address=ip_address,
        )
    return row


def get_tax_summary(date_from: date, date_to: date) -> dict:
    """Per rate: what was charged (goods after discounts per product class, shipping and refunds at
    the default rate), the base without tax and the tax in it."""
    settings_row = get_tax_settings()
    default = Decimal(settings_row.default_tax_percent).quantize(Decimal("0.01"))
    by_category = {
        int(k): Decimal(v).quantize(Decimal("0.01")) for k, v in (settings_row.category_tax_percents or {}).items()
    }
    charged_accounts = (chart.SALES, chart.DISCOUNTS, chart.SHIPPING_REVENUE, chart.REFUNDS)
    balances = get_margin_balances("product", date_from, date_to)  # the rollups, per product id
    product_ids = {int(k) for k in balances if k.isdigit()}
    categories = dict(Product.objects.filter(pk__in=product_ids).values_list("pk", "category_id"))
    charged: dict[Decimal, int] = defaultdict(int)
    for key, by_account in balances.items():
        product_id = int(key) if key.isdigit() else None
        rate = by_category.get(categories.get(product_id), default) if product_id else default
        charged[rate] -= sum(by_account.get(a, 0) for a in charged_accounts)
    out = []
    for rate, amount_fen in sorted(charged.items()):
        gross = yuan(amount_fen)
        base, tax = split_tax(gross, rate, included=settings_row.prices_include_tax)
        out.append({"rate_percent": rate, "charged": gross, "base": base, "tax": tax})
    return {
        "prices_include_tax": settings_row.prices_include_tax,
        "rows": out,
        "tax_total": sum((r["tax"] for r in out), Decimal("0.00")),
    }


def request_invoice(
    *, customer, order_number: str, title: str, tax_number: str = "", email: str = ""
) -> InvoiceRequest:
    """A signed-in customer asks for an invoice for one of their paid orders (once per order,
    unless a request was rejected)."""
    order = Order.objects.filter(number=(order_number or "").strip().upper(), customer=customer).first()
    if order is None:
        _check_invoice_fields(title, tax_number, email)
        raise finance_error("order_not_found", 404)
    return request_invoice_for_order(order=order, title=title, tax_number=tax_number, email=email, customer=customer)


def _check_invoice_fields(title: str, tax_number: str, email: str) -> tuple[str, str, str]:
    title, tax_number, email = (title or "").strip(), (tax_number or "").strip().upper(), (email or "").strip()
    if not title or len(title) > 100:
        raise finance_error("invoice_title_invalid")
    if tax_number and not is_valid_tax_number(tax_number):
        raise finance_error("tax_number_invalid")
    if not EMAIL.match(email) or len(email) > 254:
        raise finance_error("email_invalid")
    return title, tax_number, email


def request_invoice_for_order(
    *, order: Order, title: str, tax_number: str = "", email: str = "", customer=None
) -> InvoiceRequest:
    """An invoice asked for an order whose buyer proved it theirs (signed in, or its number and
    e-mail on the order page). Refused (nothing written): a bad title, tax number or e-mail, an
    unpaid order, or one with a request open or issued."""
    title, tax_number, email = _check_invoice_fields(title, tax_number, email)
    if order.paid_at is None:
        raise finance_error("order_not_paid", 409)
    try:
        with transaction.atomic():
            return InvoiceRequest.objects.create(
                order=order,
                customer=customer or order.customer,
                title=title,
                tax_number=tax_number,
                email=email,
                amount=order.grand_total,
                created_at=clock.now(),
            )
    except IntegrityError:
        raise finance_error("invoice_already_requested", 409) from None


def list_invoice_requests_for_order(order_id: int, limit: int = 10) -> list[InvoiceRequest]:
    """An order's invoice requests, newest first (what its buyer sees on the order page)."""
    return list(InvoiceRequest.objects.filter(order_id=order_id).order_by("-created_at", "-id")[:limit])


def decide_invoice(
    *, request_id: int, issue: bool, invoice_number: str = "", note: str = "", actor=None, ip_address: str | None = None
) -> InvoiceRequest:
    status = InvoiceRequest.Status.ISSUED if issue else InvoiceRequest.Status.REJECTED
    invoice_number = (invoice_number or "").strip()[:40]
    if issue and not invoice_number:
        raise finance_error("invoice_number_required")
    with transaction.atomic():
        if (
            InvoiceRequest.objects.filter(pk=request_id, status=InvoiceRequest.Status.REQUESTED).update(
                status=status, invoice_number=invoice_number, note=(note or "")[:300], decided_at=clock.now()
            )
            != 1
        ):
            if not InvoiceRequest.objects.filter(pk=request_id).exists():
                raise finance_error("invoice_request_not_found", 404)
            raise finance_error("invoice_already_decided", 409)
        request = InvoiceRequest.objects.get(pk=request_id)
        record_audit(
            actor=actor,
            action=f"finance.invoice_{status}",
            obj=request,
            object_repr=request.order.number,
            changes={"status": ("requested", status), "invoice_number": ("", invoice_number)},
            ip_address=ip_address,
        )
    return request


def list_invoice_requests(*, status: str = "", limit: int = 100):
    qs = InvoiceRequest.objects.select_related("order")
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-created_at", "-id")[: max(1, min(limit, 200))])
