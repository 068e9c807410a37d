"""`make screenshots`: the README's pictures, from a small demo store served for real.

Seeds a demo store in var-screenshots/ (once; it has promotions, after-sales requests, analytics…), starts
`dianpu serve`, and has Chromium photograph the home page, a product page and console pages (a paid
order, the analytics dashboard, the promotions list, stock days of cover, the after-sales queue)
into docs/screenshots/. Runs this checkout's code (`python -m dianpu.cli` from the repository root),
whichever tree the installed `dianpu` script points at.
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from browser import launch  # noqa: E402

DATA = ROOT / "var-screenshots"
OUT = ROOT / "docs" / "screenshots"
DIANPU = [sys.executable, "-m", "dianpu.cli"]  # with cwd=ROOT: this checkout's code
ENV = {
    **os.environ,
    "DIANPU_DATA_DIR": str(DATA),
    "DEBUG": "0",
    "DIANPU_HTTPS": "0",
    "DATABASE_URL": "",
    "REDIS_URL": "",
    "LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Console pages photographed after the order page: (file, path, what shows the page is drawn).
CHARTS_DRAWN = "document.querySelectorAll('#analytics-trend canvas, #analytics-trend svg').length > 0"
CONSOLE_PAGES = [
    ("console-analytics.png", "/console/analytics/?date_from={week_start}&date_to={today}", CHARTS_DRAWN),
    ("console-promotions.png", "/console/promotions/", None),
    ("console-stock-cover.png", "/console/inventory/cover/", None),
    ("console-returns.png", "/console/returns/", None),
]


def settle(page) -> None:
    """Wait until the page is quiet and every picture in view has loaded (some are lazy)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        """Array.from(document.images)
        .filter(img => img.getBoundingClientRect().top < window.innerHeight)
        .every(img => img.complete && img.naturalWidth > 0)""",
        timeout=15_000,
    )


def main() -> None:
    DATA.mkdir(exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run([*DIANPU, "migrate", "--noinput", "-v", "0"], env=ENV, check=True, cwd=ROOT)
    if not (DATA / ".seeded").exists():
        subprocess.run(
            [
                *DIANPU,
                "seed-demo",
                "--reset",
                "--products",
                "80",
                "--customers",
                "200",
                "--orders",
                "1500",
                "--days",
                "120",
                "--seed",
                "7",
            ],
            env=ENV,
            check=True,
            cwd=ROOT,
        )
        (DATA / ".seeded").touch()
    subprocess.run([*DIANPU, "collectstatic", "--noinput", "-v", "0"], env=ENV, check=True, cwd=ROOT)
    picked = subprocess.run(
        [
            *DIANPU,
            "shell",
            "-c",
            """
import json
from dianpu.catalog.models import Product
from dianpu.orders.models import Order
product = Product.objects.listed().filter(images__isnull=False, variants__compare_at_price__isnull=False).distinct().order_by("-sold_count").first() or Product.objects.listed().order_by("-sold_count").first()
order = Order.objects.filter(status="paid").order_by("-placed_at").first() or Order.objects.order_by("-placed_at").first()
from datetime import timedelta
from django.utils import timezone
today = timezone.localdate()
print(json.dumps({"product": product.slug, "order": order.number, "today": str(today),
                  "week_start": str(today - timedelta(days=6))}))
""",
        ],
        env=ENV,
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    targets = json.loads(picked.stdout.strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [*DIANPU, "serve", "--port", str(port), "--workers", "2"],
        env=ENV,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
            page.goto(base + "/")
            settle(page)
            page.screenshot(path=str(OUT / "home.png"))
            page.goto(f"{base}/products/{targets['product']}/")
            settle(page)
            page.screenshot(path=str(OUT / "product.png"))
            page.goto(base + "/console/login/")
            page.fill("input[name=username]", "owner")
            page.fill("input[name=password]", "dianpu-demo")
            page.click("button[type=submit]")
            page.wait_for_url(base + "/console/**")
            page.goto(f"{base}/console/orders/{targets['order']}/")
            settle(page)
            page.screenshot(path=str(OUT / "console-order.png"))
            for name, path, ready in CONSOLE_PAGES:
                page.goto(base + path.format(**targets))
                settle(page)
                if ready:
                    page.wait_for_function(ready, timeout=15_000)
                    page.wait_for_timeout(1200)  # the charts' opening animation
                page.screenshot(path=str(OUT / name))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    names = " ".join(["home.png", "product.png", "console-order.png", *(name for name, _path, _ready in CONSOLE_PAGES)])
    print(f"screenshots written to {OUT.relative_to(ROOT)}: {names}")


if __name__ == "__main__":
    main()
