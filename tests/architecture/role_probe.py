"""How the role-matrix test asks "may this role use this route?": one request per role per route.

API operations come from the OpenAPI document, console pages from the URL resolver. A request
needs a body the schema accepts (django-ninja validates input before the view checks the
permission), so a minimal valid body is built from the operation's JSON schema. Path parameters
are filled with the fixture's objects where there is one, otherwise with a dummy value: an
answer of 404 then means "got past the permission check" (every view checks the permission
before it looks anything up, so a role without it gets 401/403, never 404).

Verdicts: "allowed" (any answer but the ones below), "denied" (API: 401, or 403 with code
`forbidden`; console: 403, or a redirect to the sign-in page).
"""

import json
import re
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ROLE_CODES = ("owner", "operator", "marketing", "agent", "warehouse", "finance", "designer")
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Objects:
    """Real rows to put into path parameters, by parameter name."""

    values: dict

    def fill(self, name: str, converter: str = "str") -> str:
        if name in self.values:
            return str(self.values[name])
        return "999999" if converter == "int" or name.endswith(("_id", "pk")) or name == "pk" else "no-such-thing"


# --- API -----------------------------------------------------------------------------------------


def api_routes(document: dict) -> list[str]:
    return sorted(f"{method.upper()} {path}" for path, ops in document["paths"].items() for method in ops)


def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def minimal_value(document, schema, name=""):
    """The smallest value `schema` accepts (required fields only)."""
    schema = _resolve(document, schema)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(document, o).get("type") != "null"]
            return minimal_value(document, options[0], name)
    kind = schema.get("type", "object")
    if kind == "object":
        required = schema.get("required", [])
        return {field: minimal_value(document, schema["properties"][field], field) for field in required}
    if kind == "array":
        return [minimal_value(document, schema["items"], name) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return False
    fmt = schema.get("format", "")
    if fmt == "date-time":
        return "2030-01-01T08:00:00+08:00"
    if fmt == "date":
        return "2030-01-01"
    if fmt == "email" or name == "email":
        return "probe@example.com"
    if fmt == "uri":
        return "https://example.com/"
    if "pattern" in schema and re.fullmatch(schema["pattern"], "1"):
        return "1"
    return "x" * max(1, schema.get("minLength", 1))


def call_api(client: Client, document: dict, route: str, objects: Objects, token: str | None):
    method, path = route.split(" ", 1)
    operation = document["paths"][path][method.lower()]
    url = re.sub(r"\{(\w+)\}", lambda m: objects.fill(m.group(1)), path)
    query = {
        p["name"]: minimal_value(document, p.get("schema", {}), p["name"])
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    body = operation.get("requestBody", {}).get("content", {})
    if "multipart/form-data" in body:
        form = minimal_value(document, body["multipart/form-data"]["schema"])
        files = {
            k
            for k, p in body["multipart/form-data"]["schema"].get("properties", {}).items()
            if p.get("format") == "binary"
        }
        data = {k: SimpleUploadedFile("probe.csv", b"a,b\n") if k in files else v for k, v in form.items()}
        return getattr(client, method.lower())(url + _qs(query), data=data, **headers)
    if "application/json" in body:
        payload = minimal_value(document, body["application/json"]["schema"])
        return getattr(client, method.lower())(
            url + _qs(query), data=json.dumps(payload), content_type="application/json", **headers
        )
    if method == "GET":
        return client.get(url, query, **headers)
    return getattr(client, method.lower())(url + _qs(query), **headers)


def _qs(query: dict) -> str:
    from urllib.parse import urlencode

    return ("?" + urlencode(query)) if query else ""


def api_verdict(response) -> str:
    if response.status_code == 401:
        return "denied"
    if response.status_code == 403 and response.get("Content-Type", "").startswith("application/json"):
        if response.json().get("code") == "forbidden":
            return "denied"
    return "allowed"


# --- console -------------------------------------------------------------------------------------


def console_routes() -> dict[str, str]:
    """URL name -> pattern, for every console page (sign-in and sign-out excluded: everyone)."""
    found = {}

    def walk(patterns, prefix, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern), namespace + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and (prefix + str(p.pattern)).startswith("console/"):
                found[namespace + (p.name or str(p.pattern))] = "/" + prefix + str(p.pattern)

    walk(get_resolver().url_patterns, "", "")
    return {name: path for name, path in found.items() if name not in {"console:login", "console:logout"}}


def console_url(pattern: str, objects: Objects) -> str:
    return re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: objects.fill(m.group(2), m.group(1) or "str"), pattern)


def call_console(client: Client, url: str):
    response = client.get(url)
    if response.status_code == 405:  # an action: POST only
        response = client.post(url, {})
    return response


def console_verdict(response) -> str:
    if response.status_code == 403:
        return "denied"
    if response.status_code == 302 and "/console/login/" in response.get("Location", ""):
        return "denied"
    return "allowed"
