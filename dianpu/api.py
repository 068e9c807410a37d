"""The one NinjaAPI at /api/v1/ and its one error handler.

Errors are JSON `{"code", "detail", ...}` in the caller's language (Accept-Language):
DomainError -> its status; bad input -> 422 with `errors` per field; no or wrong token -> 401.
"""

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from dianpu.analytics.api import router as analytics_router
from dianpu.catalog.api import router as catalog_router
from dianpu.channels.api import router as channels_router
from dianpu.checkout.api import router as checkout_router
from dianpu.core import messages as text
from dianpu.core.errors import DomainError
from dianpu.fulfillment.api import router as fulfillment_router
from dianpu.inventory.api import router as inventory_router
from dianpu.marketing.api import router as marketing_router
from dianpu.competitors.api import router as competitors_router
from dianpu.orders.api import router as orders_router
from dianpu.messaging.api import router as messaging_router
from dianpu.payments.api import router as payments_router
from dianpu.returns.api import router as returns_router
from dianpu.purchasing.api import router as purchasing_router
from dianpu.promotions.api import router as promotions_router

api = NinjaAPI(
    title="dianpu API",
    version="1",
    description="REST API of dianpu (店铺). Staff endpoints take `Authorization: Bearer <token>` "
                "(`dianpu createtoken USERNAME`). Errors are `{code, detail}` in the language of Accept-Language.",
    urls_namespace="api",
    docs_url="/docs",
)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "data")]
    return ".".join(parts) or "body"


def _message_for(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return text.REQUIRED
    if "too_long" in kind or "max_length" in kind:
        return text.TOO_LONG
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return text.OUT_OF_RANGE
    if kind.startswith(("int", "decimal", "float")):
        return text.NOT_A_NUMBER
    return text.BAD_FORMAT


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    errors = {}
    for error in exc.errors:
        errors.setdefault(_field_name(error.get("loc", ())), str(_message_for(error)))
    return api.create_response(
        request, {"code": "invalid", "detail": str(text.INVALID_INPUT), "errors": errors}, status=422)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return api.create_response(
        request, {"code": "unauthorized", "detail": str(text.TOKEN_REQUIRED)}, status=401)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "detail": str(text.NOT_FOUND)}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(request, {"code": "http_error", "detail": str(exc)}, status=exc.status_code)


api.add_router("/", catalog_router)
api.add_router("/", checkout_router)
api.add_router("/", orders_router)
api.add_router("/", fulfillment_router)
api.add_router("/", payments_router)
api.add_router("/", returns_router)
api.add_router("/", messaging_router)
api.add_router("/", channels_router)
api.add_router("/", inventory_router)
api.add_router("/", purchasing_router)
api.add_router("/", promotions_router)
api.add_router("/", marketing_router)
api.add_router("/", competitors_router)
api.add_router("/", analytics_router)
