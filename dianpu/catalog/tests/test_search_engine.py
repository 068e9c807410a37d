"""The external search engine adapter, against a local Meilisearch when one is installed
(`meilisearch` on PATH); skipped otherwise. Off by default: the database searches."""

import shutil
import socket
import subprocess
import time

import pytest

from dianpu.catalog.models import Product
from dianpu.catalog.search import search_products
from dianpu.catalog.search_engines import MeilisearchEngine, get_search_engine, product_rows

from .builders import make_product


def test_the_database_searches_by_default(settings):
    assert settings.SEARCH_ENGINE == "database"
    assert get_search_engine() is None


@pytest.fixture
def meilisearch(tmp_path):
    binary = shutil.which("meilisearch")
    if binary is None:
        pytest.skip("no local Meilisearch server installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--http-addr", f"127.0.0.1:{port}", "--db-path", str(tmp_path / "ms"), "--no-analytics"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    engine = MeilisearchEngine(f"http://127.0.0.1:{port}", index=f"test_{port}")
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            engine._call("GET", "/health")
            break
        except Exception:  # noqa: BLE001
            time.sleep(0.2)
    yield engine
    server.terminate()
    server.wait(timeout=10)


def test_meilisearch_ranks_the_teas_first(db, settings, meilisearch, monkeypatch):
    make_product(name="网红云南辣条", description="<p>配茶配饭都好吃。</p>")
    tea = make_product(name="云南普洱茶饼")
    meilisearch.wait(meilisearch.configure())
    meilisearch.wait(meilisearch.replace_products(product_rows(Product.objects.all())))
    monkeypatch.setattr("dianpu.catalog.search.get_search_engine", lambda: meilisearch)
    ranked = list(search_products(Product.objects.listed(), "普洱").products.order_by("-search_rank"))
    assert ranked[0].pk == tea.pk
