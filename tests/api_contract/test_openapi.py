"""The OpenAPI document is the contract: compared with the committed snapshot, so an API change
is a deliberate, reviewed change. After a deliberate change, regenerate it with
`DIANPU_UPDATE_OPENAPI=1 .venv/bin/pytest tests/api_contract/test_openapi.py` and commit."""

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.json")
CONTRACT = {
    ("get", "/api/v1/products"),
    ("get", "/api/v1/products/{slug}"),
    ("post", "/api/v1/products"),
    ("patch", "/api/v1/products/{slug}"),
    ("get", "/api/v1/shipping-methods"),
    ("get", "/api/v1/payment-methods"),
    ("get", "/api/v1/carriers"),
    ("post", "/api/v1/checkout"),
    ("get", "/api/v1/orders"),
    ("get", "/api/v1/orders/{number}"),
    ("post", "/api/v1/orders/{number}/transitions"),
}


def current_document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_contract_paths_are_documented(client):
    paths = current_document(client)["paths"]
    documented = {(method, path) for path, ops in paths.items() for method in ops}
    assert documented >= CONTRACT


def test_openapi_document_matches_the_committed_snapshot(client):
    document = current_document(client)
    if os.environ.get("DIANPU_UPDATE_OPENAPI") == "1":
        SNAPSHOT.write_text(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    assert document == json.loads(SNAPSHOT.read_text()), (
        "the API changed: if deliberate, regenerate tests/api_contract/openapi.json (see this module's docstring)"
    )


def test_interactive_docs_page_is_served(client, db):  # the shop name comes from its settings row
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
    assert b"cdn." not in response.content  # Swagger UI from our own static files
