"""`make bench ONLY=storefront`: the storefront at full size against a bare Django view, same run.

Builds a store of --products products (100,000 by default) and --orders orders in bench/var/storefront
once (`dianpu seed-demo`, tens of minutes; reused while bench/var/storefront/.seeded exists), serves it
with `dianpu serve` (gunicorn gthread, its defaults) and bench/bare_site.py with the same gunicorn
settings, loads both with --connections keep-alive connections from wrk (Debian's `wrk`; a Python
thread client when it is missing) for --seconds per page, and prints requests/s, p50 and p99 per
page and the ratio to the bare view. On a shared machine the load moves during a run, so the bare
view is loaded again just before each cached page (each page's ratio is to that run), and each
run also records the CPU the server's processes spent per request (master and workers, from
/proc: user + system), a figure the other tenants of the machine barely move. Pages are measured twice: served from the page cache
(the same URL again, as a shop's popular pages are) and built afresh on every request
(DIANPU_PAGE_CACHE=0: what a first visit to a page costs; the page is rendered on every request,
while the count, facets and page of ids of a search or category list are kept per catalogue version
in each worker by catalog.search.kept, so only a worker's first request for a list works them out).
Also records each web worker's resident
memory after the run and the machine's load (uptime). Writes bench/results/storefront_full.json.
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("BENCH_STOREFRONT_DIR", ROOT / "bench" / "var" / "storefront"))
RESULTS = Path(os.environ.get("BENCH_RESULTS_DIR", ROOT / "bench" / "results"))
PY = str(ROOT / ".venv" / "bin" / "python")
# The `dianpu` console script when the package is installed, else the same entry point by module.
DIANPU = (
    [str(ROOT / ".venv" / "bin" / "dianpu")]
    if (ROOT / ".venv" / "bin" / "dianpu").exists()
    else [PY, "-m", "dianpu.cli"]
)
ENV = {
    **os.environ,
    "DIANPU_DATA_DIR": str(DATA),
    "DEBUG": "0",
    "DIANPU_HTTPS": "0",
    "DATABASE_URL": "",
    "REDIS_URL": "",
    "LOG_LEVEL": "WARNING",
    "PYTHONPATH": str(ROOT),
}
sys.path.insert(0, str(ROOT))
from dianpu.cli import gunicorn_options  # noqa: E402  (the options of `dianpu serve`, for the bare view too)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build(products: int, customers: int, orders: int) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    marker = DATA / ".seeded"
    subprocess.run([*DIANPU, "migrate", "--noinput", "-v", "0"], env=ENV, check=True)
    if not marker.exists():
        print(f"building the store once: {products:,} products, {orders:,} orders (tens of minutes)…", flush=True)
        started = time.time()
        subprocess.run(
            [
                *DIANPU,
                "seed-demo",
                "--reset",
                "--products",
                str(products),
                "--customers",
                str(customers),
                "--orders",
                str(orders),
            ],
            env=ENV,
            check=True,
        )
        marker.write_text(
            json.dumps(
                {
                    "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "seconds": round(time.time() - started),
                }
            )
        )
    subprocess.run([*DIANPU, "collectstatic", "--noinput", "-v", "0"], env=ENV, check=True)


def pick_targets() -> dict:
    script = """
import json
from dianpu.catalog.models import Category, Product
listed = Product.objects.listed()
top = Category.objects.filter(parent__isnull=True).order_by("position", "id").first()
leaf = Category.objects.filter(children__isnull=True, products__isnull=False).order_by("id").first()
print(json.dumps({"product": listed.order_by("-sold_count", "id").values_list("slug", flat=True).first(),
                  "top": top.slug, "leaf": leaf.slug, "products": Product.objects.count(),
                  "listed": listed.count()}))
"""
    out = subprocess.run([*DIANPU, "shell", "-c", script], env=ENV, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_up(port: int, server: subprocess.Popen) -> None:
    import http.client

    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not come up")


def start(command: list[str], env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    wait_up(port, server)
    return server


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def worker_memory_mb(server: subprocess.Popen) -> list[dict]:
    """Memory of the server's gunicorn workers (`dianpu serve` execs gunicorn: the process started is
    the master, its children the workers): resident (RSS), proportional (PSS: pages shared with
    the master and the other workers count a share each) and unique (USS: this worker's own),
    from /proc/<pid>/smaps_rollup."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True).stdout
    rows = []
    for pid in out.split():
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        kb = {k: int(v) for k, v in re.findall(r"^(\w+):\s+(\d+) kB", text, re.M)}
        rows.append(
            {
                "rss": round(kb.get("Rss", 0) / 1024, 1),
                "pss": round(kb.get("Pss", 0) / 1024, 1),
                "uss": round((kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)) / 1024, 1),
            }
        )
    return sorted(rows, key=lambda r: r["rss"])


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU seconds of the server's master and its workers so far (/proc/<pid>/stat)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True).stdout
    ticks = 0
    for pid in [str(server.pid), *out.split()]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)


def load(port: int, path: str, seconds: int, connections: int, server: subprocess.Popen | None = None) -> dict:
    """Requests/s, p50, p99 of `path` under `connections` connections for `seconds`; with `server`,
    also the CPU its processes spent per request (ms) and the load average at the end."""
    cpu_before = server_cpu_seconds(server) if server else 0.0
    result = _load(port, path, seconds, connections)
    if server and result.get("requests"):
        result["server_cpu_ms_per_request"] = round(
            (server_cpu_seconds(server) - cpu_before) * 1000 / result["requests"], 3
        )
    result["load_average"] = round(os.getloadavg()[0], 2)
    return result


def _load(port: int, path: str, seconds: int, connections: int) -> dict:
    url = f"http://127.0.0.1:{port}{path}"
    if shutil.which("wrk"):
        out = subprocess.run(
            [
                "wrk",
                "-t",
                "2",
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--latency",
                "--timeout",
                "10s",
                "-H",
                "Accept-Language: zh-hans",
                url,
            ],
            capture_output=True,
            text=True,
        ).stdout
        p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
        p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        return {
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "requests_per_s": round(rps, 1),
            "p50_ms": _ms(p50),
            "p99_ms": _ms(p99),
            "non_2xx": int(errors.group(1)) if errors else 0,
            "client": "wrk",
        }
    sys.path.insert(0, str(ROOT / "bench"))
    from run import drive  # the thread client of bench/run.py

    get = lambda i: ("GET", path, None, {"Accept-Language": "zh-hans"})  # noqa: E731
    count = max(200, seconds * 50)
    result = drive(port, get, count, connections)
    return {"requests": count, **result, "client": "python threads"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--cached-only", action="store_true", help="skip the pages built afresh (DIANPU_PAGE_CACHE=0)")
    args = parser.parse_args()
    build(args.products, args.customers, args.orders)
    if args.build_only:
        return
    targets = pick_targets()
    pages = {
        "home": "/",
        "category (top)": f"/c/{targets['top']}/",
        "category (leaf)": f"/c/{targets['leaf']}/",
        "product": f"/products/{targets['product']}/",
        "search (zh)": "/search/?q=" + quote("茶"),
        "search (en)": "/search/?q=jacket",
        "api products": "/api/v1/products?page=1",
        "api search": "/api/v1/products?search=" + quote("茶"),
    }
    workers = max(2, (os.cpu_count() or 1) * 2)
    load_before = os.getloadavg()
    results: dict = {"bare django": {}, "cached": {}, "uncached": {}}
    bare_runs: list[dict] = []
    bare_port = free_port()
    bare = start(
        [
            PY,
            "-m",
            "gunicorn",
            "bench.bare_site:application",
            "--bind",
            f"127.0.0.1:{bare_port}",
            *gunicorn_options(workers),
        ],
        {**ENV, "PYTHONPATH": str(ROOT)},
        bare_port,
    )
    memory = {}
    try:
        load(bare_port, "/", 3, args.connections)  # warm-up
        for mode, cache in (("cached", "1"), ("uncached", "0"))[: 1 if args.cached_only else 2]:
            port = free_port()
            server = start([*DIANPU, "serve", "--port", str(port)], {**ENV, "DIANPU_PAGE_CACHE": cache}, port)
            try:
                for name, path in pages.items():
                    load(port, path, 3, args.connections)  # warm-up: every worker's page cache, imports
                    if mode == "cached":  # the yardstick again, just before: the machine's load moves
                        bare_runs.append(load(bare_port, "/", args.seconds, args.connections, bare))
                    row = load(port, path, args.seconds, args.connections, server)
                    if mode == "cached":
                        row["bare_requests_per_s"] = bare_runs[-1]["requests_per_s"]
                        row["bare_cpu_ms_per_request"] = bare_runs[-1].get("server_cpu_ms_per_request")
                    results[mode][name] = row
                    print(f"{mode:<9}{name:<18}{row}", flush=True)
                memory[mode] = worker_memory_mb(server)
            finally:
                stop(server)
    finally:
        stop(bare)
    rates = sorted(r["requests_per_s"] for r in bare_runs)
    results["bare django"] = {
        **bare_runs[len(bare_runs) // 2],
        "runs": bare_runs,
        "requests_per_s": rates[len(rates) // 2],
    }
    bare_rps = results["bare django"]["requests_per_s"]
    for mode in ("cached", "uncached"):
        for row in results[mode].values():
            paired = row.get("bare_requests_per_s", bare_rps)
            row["bare_over_page"] = round(paired / row["requests_per_s"], 2) if row["requests_per_s"] else None
            bare_cpu, cpu = row.get("bare_cpu_ms_per_request"), row.get("server_cpu_ms_per_request")
            row["cpu_page_over_bare"] = round(cpu / bare_cpu, 2) if cpu and bare_cpu else None
    report = {
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
            "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        },
        "store": {k: targets[k] for k in ("products", "listed")} | {"orders_asked": args.orders},
        "server": f"dianpu serve: gunicorn {' '.join(gunicorn_options(workers))}, SQLite WAL, DEBUG=0",
        "connections": args.connections,
        "seconds_per_page": args.seconds,
        "worker_memory_mb": memory,
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "storefront_full.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\n{report['store']['products']:,} products; {args.connections} connections; {report['machine']['uptime']}")
    bare_cpu = results["bare django"].get("server_cpu_ms_per_request")
    print(
        f"bare Django view (median of {len(bare_runs)} runs, one before each cached page): {bare_rps} req/s, "
        f"p50 {results['bare django']['p50_ms']} ms, server CPU {bare_cpu} ms/request"
    )
    print(
        f"\n{'page':<18}{'cached req/s':>13}{'p50':>8}{'p99':>8}{'bare/page':>10}{'CPU ms':>8}{'CPU/bare':>9}"
        f"{'uncached req/s':>16}{'p50':>8}{'p99':>9}{'CPU ms':>8}"
    )
    for name in pages:
        c, u = results["cached"][name], results["uncached"].get(name, {})
        print(
            f"{name:<18}{c['requests_per_s']:>13}{c['p50_ms']:>8}{c['p99_ms']:>8}{str(c['bare_over_page']):>10}"
            f"{str(c.get('server_cpu_ms_per_request')):>8}{str(c['cpu_page_over_bare']):>9}"
            f"{u.get('requests_per_s', '-'):>16}{u.get('p50_ms', '-'):>8}{u.get('p99_ms', '-'):>9}"
            f"{str(u.get('server_cpu_ms_per_request', '-')):>8}"
        )
    print(f"web worker memory (MB: rss / pss / uss): {memory}")
    print(f"\nwritten to {RESULTS / 'storefront_full.json'}")


if __name__ == "__main__":
    main()
