"""Canned replies (话术库): a body with variables {customer_name}, {order_number}, {tracking_link}.
Unknown braces stay as written; a missing value becomes empty, never an error."""

import re

VARIABLES = ("customer_name", "order_number", "tracking_link")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(VARIABLES) + r")\}")


def render_canned_reply(body: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1)) or ""), body)


def unknown_variables(body: str) -> list[str]:
    """Names in braces that are not variables (a typo the editor should show)."""
    return sorted({name for name in re.findall(r"\{(\w+)\}", body) if name not in VARIABLES})
