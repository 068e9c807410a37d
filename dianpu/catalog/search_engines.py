"""External search engines, for shops that run several web machines (off by default).

`SEARCH_ENGINE = "database"` (the default) searches the database's own full-text index
(catalog.search). `SEARCH_ENGINE = "meilisearch"` (env DIANPU_SEARCH_ENGINE, MEILISEARCH_URL,
MEILISEARCH_KEY) hands the matching and ranking to a Meilisearch server: each listed product is
sent as {id, search_title, search_document, sold_count} after the transaction that changed it
commits (a worker task, catalog.tasks.sync_search_engine), and `dianpu search_reindex` sends them
all. The database then filters and pages the ids the engine ranked (category, price, brand).

An engine is an object with three methods (`SearchEngine`); Meilisearch's is spoken over its
HTTP API with the standard library.
"""

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)
INDEX = "dianpu_products"


class SearchEngineError(Exception):
    pass


class SearchEngine(Protocol):
    def replace_products(self, rows: list[dict]) -> None: ...
    def remove_products(self, ids: list[int]) -> None: ...
    def search_ids(self, query: str, limit: int) -> list[int]: ...


class MeilisearchEngine:
    def __init__(self, url: str, key: str = "", index: str = INDEX, timeout: float = 3.0):
        self.url, self.key, self.index, self.timeout = url.rstrip("/"), key, index, timeout

    def _call(self, method: str, path: str, body=None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={
                "Content-Type": "application/json",
                **({"Authorization": f"Bearer {self.key}"} if self.key else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                payload = response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SearchEngineError(str(exc)) from exc
        return json.loads(payload) if payload else {}

    def configure(self) -> dict:
        return self._call(
            "PATCH",
            f"/indexes/{self.index}/settings",
            {
                "searchableAttributes": ["search_title", "search_document"],
                "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness", "sold_count:desc"],
                "typoTolerance": {"enabled": True},
            },
        )

    def replace_products(self, rows: list[dict]) -> dict:
        return self._call("POST", f"/indexes/{self.index}/documents?primaryKey=id", rows)

    def remove_products(self, ids: list[int]) -> dict:
        return self._call("POST", f"/indexes/{self.index}/documents/delete-batch", list(ids))

    def search_ids(self, query: str, limit: int = 1000) -> list[int]:
        found = self._call(
            "POST", f"/indexes/{self.index}/search", {"q": query, "limit": limit, "attributesToRetrieve": ["id"]}
        )
        return [int(hit["id"]) for hit in found.get("hits", [])]

    def wait(self, task: dict, seconds: float = 10.0) -> dict:
        """Wait for an indexing task (tests and the reindex command)."""
        import time

        deadline = time.monotonic() + seconds
        while True:
            state = self._call("GET", f"/tasks/{task['taskUid']}")
            if state.get("status") in ("succeeded", "failed", "canceled") or time.monotonic() > deadline:
                return state
            time.sleep(0.05)


def get_search_engine() -> SearchEngine | None:
    """The configured external engine, or None when the database searches."""
    if getattr(settings, "SEARCH_ENGINE", "database") == "meilisearch":
        return MeilisearchEngine(settings.MEILISEARCH_URL, settings.MEILISEARCH_KEY)
    return None


def product_rows(products) -> list[dict]:
    return [
        {"id": p.id, "search_title": p.search_title, "search_document": p.search_document, "sold_count": p.sold_count}
        for p in products
    ]


def sync_products(engine: SearchEngine, product_ids: list[int]) -> None:
    """Send the listed ones of `product_ids` to the engine and remove the others."""
    from .models import Product

    listed = list(Product.objects.listed().filter(pk__in=product_ids))
    if listed:
        engine.replace_products(product_rows(listed))
    gone = sorted(set(product_ids) - {p.id for p in listed})
    if gone:
        engine.remove_products(gone)
