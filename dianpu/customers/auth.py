"""The customer's bearer token (`cu_…`), distinct from staff tokens: it opens only the customer's
own endpoints (/me, checkout with points); staff endpoints check accounts.auth.StaffToken, which
never accepts it."""

from ninja.security import HttpBearer

from .services import authenticate_customer_token


class CustomerToken(HttpBearer):
    def authenticate(self, request, token):
        customer = authenticate_customer_token(token)
        if customer is not None:
            request.customer = customer
        return customer


def customer_from_bearer(request):
    """The customer behind an optional bearer token (checkout: a guest or a signed-in customer)."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return authenticate_customer_token(header[7:].strip())
    return None
