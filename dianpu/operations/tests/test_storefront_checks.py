"""Storefront checks: the link checker finds a broken link and a missing image and the owner
sees them in the console; the main storefront pages stay within their weight and speed budget."""

import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client

from dianpu.catalog.tests.builders import make_category, make_product
from dianpu.operations import linkcheck, services

pytestmark = pytest.mark.django_db

# Budget per page (HTML + same-origin stylesheets, scripts and images; requests = 1 + assets).
BUDGET_BYTES = 200 * 1024
BUDGET_HTML_BYTES = 60 * 1024
BUDGET_REQUESTS = 15
BUDGET_SERVER_MS = 1500  # the slowest of three answers, on a shared two-core machine


def test_the_link_check_finds_a_broken_link_and_a_missing_image(client, staff):
    default_storage.save("products/present.png", ContentFile(b"\x89PNG fake"))
    category = make_category(slug="tees")
    make_product(
        name="坏链商品",
        category=category,
        description=(
            '<p><a href="/products/no-such-product/">旧款</a> <img src="/media/products/missing.png" alt="">'
            ' <img src="/media/products/present.png" alt=""></p>'
        ),
    )
    check = services.run_link_check(max_pages=40)
    found = {(p.kind, p.target, p.status) for p in check.problems.all()}
    assert ("link", "/products/no-such-product/", 404) in found
    assert ("image", "/media/products/missing.png", 404) in found
    assert not any("present.png" in target for _k, target, _s in found)
    assert check.pages >= 2 and check.finished_at is not None
    client.force_login(staff("owner"))
    page = client.get("/console/status/links/").content.decode()
    assert "/media/products/missing.png" in page and "死链" in page and "图片缺失" in page


def _weigh(client, path):
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    assert response.status_code == 200, path
    assets = linkcheck.page_assets(response.content, f"http://testserver{path}")
    total, requests = len(response.content), 1
    for asset in assets["styles"] + assets["scripts"] + assets["images"]:
        answer = client.get(asset)
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        total += len(body)
        requests += 1
    return len(response.content), total, requests, max(timings)


def test_the_main_storefront_pages_stay_within_their_budget():
    category = make_category(slug="budget")
    product = make_product(name="预算T恤", category=category, skus=["BUD-1"])
    client = Client()
    client.get("/")  # warm up once: template loading is not the page's weight
    client.post("/cart/add/", {"sku": "BUD-1", "quantity": 1})
    report = {}
    for path in ("/", f"/c/{category.slug}/", f"/products/{product.slug}/", "/cart/"):
        html, total, requests, slowest = _weigh(client, path)
        report[path] = (html, total, requests, round(slowest))
        assert html <= BUDGET_HTML_BYTES, report
        assert total <= BUDGET_BYTES, report
        assert requests <= BUDGET_REQUESTS, report
        assert slowest <= BUDGET_SERVER_MS, report
