"""The one NinjaAPI at /api/v1/ and its one error handler.

Errors are JSON `{"code", "detail", ...}` in the caller's language (Accept-Language):
DomainError -> its status; bad input -> 422 with `errors` per field; no or wrong token -> 401;
a body that is not JSON -> 400 `bad_json`. `DianpuAPI` documents these answers in the OpenAPI
document for every operation where they can happen (see `error_statuses_for`).
"""

from django.db import DataError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from dianpu.accounts.auth import scope_guard
from dianpu.analytics.api import router as analytics_router
from dianpu.catalog.api import router as catalog_router
from dianpu.channels.api import router as channels_router
from dianpu.checkout.api import router as checkout_router
from dianpu.competitors.api import router as competitors_router
from dianpu.core import messages as text
from dianpu.core.errors import DomainError
from dianpu.customers.api import router as customers_router
from dianpu.design.api import router as design_router
from dianpu.finance.api import customer_router as finance_customer_router
from dianpu.finance.api import router as finance_router
from dianpu.fulfillment.api import router as fulfillment_router
from dianpu.inventory.api import router as inventory_router
from dianpu.knowledge.api import router as knowledge_router
from dianpu.marketing.api import router as marketing_router
from dianpu.messaging.api import router as messaging_router
from dianpu.operations.api import router as operations_router
from dianpu.orders.api import router as orders_router
from dianpu.payments.api import router as payments_router
from dianpu.promotions.api import router as promotions_router
from dianpu.purchasing.api import router as purchasing_router
from dianpu.returns.api import router as returns_router
from dianpu.reviews.api import router as reviews_router
from dianpu.support.api import router as support_router
from dianpu.teamwork.api import router as teamwork_router

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "description": "A refused request. `code` is stable (for programs), `detail` is for people, in the "
    "language of Accept-Language; some errors add fields (`errors` per input field for 422).",
    "properties": {
        "code": {"type": "string", "description": "stable error code, e.g. invalid, not_found, forbidden"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "input field (`lines.0.quantity`) -> what is wrong with it",
        },
    },
    "required": ["code", "detail"],
    "additionalProperties": True,
}
ERROR_DESCRIPTIONS = {
    400: "The request was refused: a body that is not JSON (`bad_json`) or an action the shop refuses",
    401: "No valid staff token (`unauthorized`), or one that expired (`token_expired`) or was revoked "
    "(`token_revoked`)",
    403: "The token's user lacks the permission (`forbidden`), or the token's scopes do not cover this "
    "operation (`token_scope`, with the `scope` it needs)",
    404: "No such resource (`not_found`)",
    409: "The resource's state does not allow it, or someone changed it first",
    422: "Input that cannot be accepted (`invalid`, with `errors` per field) or a rule it breaks",
}
_READ_METHODS = {"get", "head", "options"}


def error_statuses_for(method: str, operation: dict) -> set[int]:
    """The error answers an operation can give, from its shape: any input can be refused (400, 422);
    a token can be missing (401) or lack a permission (403); a path names something that may not
    exist (404); a write can meet a state that forbids it (409)."""
    statuses: set[int] = set()
    parameters = operation.get("parameters", [])
    has_input = bool(parameters) or "requestBody" in operation
    if has_input:
        statuses |= {400, 404, 422}  # 404: a path or a filter names something that does not exist
    if operation.get("security"):
        statuses |= {401, 403}
    if any(p.get("in") == "path" for p in parameters):
        statuses.add(404)
    if method not in _READ_METHODS:
        statuses |= {400, 404, 409, 422}
    return statuses


class DianpuAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for operations in document["paths"].values():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                for status in sorted(error_statuses_for(method, operation)):
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": ERROR_DESCRIPTIONS[status], **error}
                for status, response in responses.items():
                    if int(status) >= 400 and not response.get("content"):
                        response["content"] = error["content"]
        return document


api = DianpuAPI(
    title="dianpu API",
    version="1",
    description="REST API of dianpu (店铺). Staff endpoints take `Authorization: Bearer <token>` "
    "(`dianpu createtoken USERNAME [--scopes orders:read,catalog:write] [--expires-in-days N]`; "
    "a scoped token may call only its areas: `<area>:read` for GET/HEAD, `<area>:write` for all). Errors are `{code, detail}` in the language of Accept-Language.",
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
        request, {"code": "invalid", "detail": str(text.INVALID_INPUT), "errors": errors}, status=422
    )


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_value_out_of_range(request, exc):
    """A number or date the client sent that no column or calendar can hold (the last line of
    defence behind the bounds in the schemas, dianpu/core/bounds.py)."""
    return api.create_response(request, {"code": "out_of_range", "detail": str(text.OUT_OF_RANGE)}, status=422)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return api.create_response(request, {"code": "unauthorized", "detail": str(text.TOKEN_REQUIRED)}, status=401)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "detail": str(text.NOT_FOUND)}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):  # ninja could not parse the body
        return api.create_response(request, {"code": "bad_json", "detail": str(text.BAD_JSON)}, status=400)
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
api.add_router("/", knowledge_router)
api.add_router("/", operations_router)
api.add_router("/", design_router)
api.add_router("/", teamwork_router)
api.add_router("/", finance_router)
api.add_router("/", finance_customer_router)
api.add_router("/", analytics_router)
api.add_router("/", customers_router)
api.add_router("/", support_router)
api.add_router("/", reviews_router)
# Every operation learns its area (for token scopes) before it authenticates: dianpu/accounts/auth.py.
api.add_decorator(scope_guard, mode="view")
