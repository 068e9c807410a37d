"""API token scopes: `<area>:read` or `<area>:write` (write implies read), one area per API router.

An area is the app whose `api.py` defines the operation (`dianpu.orders.api` -> `orders`); a GET or
HEAD is a read, every other method a write. A token without scopes may do all its user may (the
behaviour before scopes); a scoped token may touch only its areas — and never more than its
user's roles allow (the endpoints still ask `user.has_perm`). Pure: no Django, no database.
"""

AREAS: tuple[str, ...] = (
    "analytics",
    "catalog",
    "channels",
    "checkout",
    "competitors",
    "customers",
    "design",
    "finance",
    "fulfillment",
    "inventory",
    "knowledge",
    "marketing",
    "messaging",
    "operations",
    "orders",
    "payments",
    "promotions",
    "purchasing",
    "returns",
    "reviews",
    "support",
    "teamwork",
)
LEVELS = ("read", "write")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_SCOPES = len(AREAS)


class ScopeSyntaxError(ValueError):
    """A scope that is not `<known area>:read|write`; `.scope` is the offending text."""

    def __init__(self, scope: str):
        super().__init__(scope)
        self.scope = scope


def area_of_module(module: str) -> str:
    """`dianpu.orders.api` -> `orders`; anything else -> "" (an area no scope grants)."""
    parts = module.split(".")
    if len(parts) >= 3 and parts[0] == "dianpu" and parts[-1] == "api":
        return parts[1]
    return ""


def parse_scopes(text: str) -> tuple[str, ...]:
    """`"orders:read, catalog:write"` (commas or spaces) -> sorted unique scopes; a write scope
    swallows the same area's read. Raises ScopeSyntaxError on the first bad one."""
    levels: dict[str, str] = {}
    for scope in text.replace(",", " ").split():
        area, _sep, level = scope.strip().lower().partition(":")
        if area not in AREAS or level not in LEVELS:
            raise ScopeSyntaxError(scope)
        if levels.get(area) != "write":
            levels[area] = level
    return tuple(sorted(f"{area}:{level}" for area, level in levels.items()))


def allows(scopes: tuple[str, ...] | list[str], area: str, method: str) -> bool:
    """May a token holding `scopes` call an operation of `area` with HTTP `method`?
    Empty scopes = unscoped (everything its user may)."""
    if not scopes:
        return True
    if not area:
        return False
    if method.upper() in READ_METHODS:
        return f"{area}:read" in scopes or f"{area}:write" in scopes
    return f"{area}:write" in scopes


def needed_scope(area: str, method: str) -> str:
    return f"{area}:{'read' if method.upper() in READ_METHODS else 'write'}"
