"""Payments benchmark: Stripe checkout, signed webhooks (new and duplicate) and refunds, in-process
against a fresh SQLite database and a local server that answers as Stripe's HTTP API does.

Run: .venv/bin/python bench/payments.py [--orders N]. Writes bench/results/payments.json and prints
a table (per step: operations/s, p50 and p99 in ms). Times include the local fake Stripe's
round trips, so they measure dianpu's own work plus loopback HTTP, not Stripe's latency.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))


def summarise(samples: list[float], statuses: dict) -> dict:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "count": len(samples),
        "ops_per_s": round(len(samples) / sum(samples), 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(p99 * 1000, 2),
        "statuses": statuses,
    }


def timed(results: dict, name: str, calls, run) -> None:
    from tqdm import tqdm

    samples, statuses = [], {}
    for item in tqdm(calls, desc=name, unit="op", leave=False):
        start = time.perf_counter()
        status = run(item)
        samples.append(time.perf_counter() - start)
        statuses[status] = statuses.get(status, 0) + 1
    results[name] = summarise(samples, statuses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="dianpu-bench-payments-"))
    (data_dir / "staticfiles").mkdir()
    os.environ.update(
        {
            "DIANPU_DATA_DIR": str(data_dir),
            "DATABASE_URL": "",
            "DEBUG": "0",
            "DIANPU_HTTPS": "0",
            "LOG_LEVEL": "ERROR",
            "DJANGO_SETTINGS_MODULE": "dianpu.settings",
            "REDIS_URL": "",
        }
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's "testserver" host
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    try:
        call_command("migrate", verbosity=0)
        from dianpu.accounts.tests.builders import make_staff, token_for
        from dianpu.catalog.tests.builders import make_product
        from dianpu.payments.models import PaymentSession
        from dianpu.payments.tests.fake_stripe import (
            SECRET_KEY,
            WEBHOOK_SECRET,
            FakeStripe,
            signed_headers,
            stripe_event,
        )

        fake = FakeStripe()
        fake.thread.start()
        settings.STRIPE_SECRET_KEY, settings.STRIPE_WEBHOOK_SECRET = SECRET_KEY, WEBHOOK_SECRET
        settings.STRIPE_API_BASE = fake.url
        make_product(name="基准T恤", price="59.00", stock=args.orders * 2 + 10, skus=["BENCH-TEE"])
        finance = {"HTTP_AUTHORIZATION": f"Bearer {token_for(make_staff('finance', 'bench-finance'))}"}
        client = Client()
        address = {
            "name": "张三",
            "phone": "13800138000",
            "country": "CN",
            "province": "上海市",
            "city": "上海市",
            "district": "黄浦区",
            "line1": "南京东路 100 号",
            "postcode": "200001",
        }
        numbers, events, results = [], [], {}

        def checkout(_i):
            response = client.post(
                "/api/v1/checkout",
                content_type="application/json",
                data=json.dumps(
                    {
                        "email": "bench@example.com",
                        "lines": [{"sku": "BENCH-TEE", "quantity": 1}],
                        "shipping_address": address,
                        "shipping_method": "standard",
                        "payment_method": "stripe",
                    }
                ),
            )
            numbers.append(response.json().get("number"))
            return response.status_code

        timed(results, "checkout (stripe)", range(args.orders), checkout)
        for number in numbers:
            reference = PaymentSession.objects.get(order_number=number).reference
            events.append(stripe_event("payment_intent.succeeded", fake.pay(reference)))

        def deliver(payload):
            return client.post(
                "/api/v1/payments/stripe/webhook",
                data=payload,
                content_type="application/json",
                **signed_headers(payload),
            ).status_code

        timed(results, "webhook (new)", events, deliver)
        timed(results, "webhook (duplicate)", events, deliver)

        def refund(number):
            return client.post(
                f"/api/v1/orders/{number}/refunds",
                content_type="application/json",
                data=json.dumps({"amount": "10.00", "reason": "bench"}),
                **finance,
            ).status_code

        timed(results, "refund (stripe)", numbers, refund)
        fake.server.shutdown()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)

    report = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "setup": "in-process Django test client, SQLite, local fake Stripe over loopback HTTP, DEBUG=0",
        "orders": args.orders,
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "payments.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\n{'step':<22}{'ops/s':>10}{'p50 ms':>10}{'p99 ms':>10}   statuses")
    for name, r in results.items():
        print(f"{name:<22}{r['ops_per_s']:>10}{r['p50_ms']:>10}{r['p99_ms']:>10}   {r['statuses']}")
    print(f"\nwritten to {(RESULTS / 'payments.json').relative_to(ROOT)}")
    if any(code >= 400 for r in results.values() for code in r["statuses"]):
        sys.exit("some requests failed: see the statuses above")


if __name__ == "__main__":
    main()
