"""Product import speed: 100,000-row files into a fresh SQLite database.

Generates a native CSV and a Shopify product CSV of --rows rows (20,000 products x 5 SKUs by
default), both with stock columns (native `stock`, Shopify `Variant Inventory Qty`), under
bench/var/import_products/, migrates a fresh database there, and times `manage.py import_products`
on: the native file (a new catalogue with opening stock), the same file again (nothing changes),
the same rows as XLSX (nothing changes), the native file with every fifth SKU recounted (stock
updates), the Shopify file (another 100,000 new SKUs with stock), and the native file without
its stock column (`--no-stock`, the catalogue alone). Stock goes through inventory's
`bulk_set_on_hand` (set-based, one ledger row per changed level). Also times writing the XLSX copy
with openpyxl's write-only workbook. Writes bench/results/import_products.json and prints a
table with wall time, CPU time and peak RSS per case. Goal (issue 13): 100,000 rows in under 10 s.
"""

import argparse
import csv
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "bench" / "var" / "import_products"
RESULTS = ROOT / "bench" / "results"
ENV = {
    **os.environ,
    "DIANPU_DATA_DIR": str(VAR),
    "DEBUG": "0",
    "DIANPU_HTTPS": "0",
    "DATABASE_URL": "",
    "REDIS_URL": "",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "dianpu.settings",
}
SIZES = ["S", "M", "L", "XL", "XXL"]
COLOURS = ["黑色", "白色", "红色", "蓝色"]
CATEGORIES = ["服装", "鞋靴", "配饰", "家居", "茶叶", "数码"]


def write_native(path: Path, rows: int, prefix: str, with_stock: bool = False, recount: bool = False) -> None:
    header = [
        "handle",
        "name",
        "name_en",
        "description",
        "brand",
        "category",
        "tags",
        "status",
        "seo_title",
        "seo_description",
        "sku",
        "options",
        "price",
        "sale_price",
        "cost_price",
        "weight_grams",
        "barcode",
    ]
    if with_stock:
        header.append("stock")
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(rows):
            p, s = divmod(i, len(SIZES))
            first = s == 0
            row = [
                f"{prefix}-{p}",
                f"纯棉T恤 {p} 号款" if first else "",
                f"Cotton tee no. {p}" if first else "",
                f"<p>舒适透气的纯棉T恤，第 {p} 款。</p>" if first else "",
                "店铺" if first else "",
                CATEGORIES[p % len(CATEGORIES)] if first else "",
                "新品, 夏季" if first else "",
                "listed" if first else "",
                f"纯棉T恤 {p}" if first else "",
                "舒适透气的纯棉T恤" if first else "",
                f"{prefix.upper()}-{p:06d}-{SIZES[s]}",
                f"颜色:{COLOURS[p % 4]}; 尺码:{SIZES[s]}",
                f"{59 + p % 100}.00",
                f"{49 + p % 100}.00" if p % 3 == 0 else "",
                "20.00",
                str(250 + s * 10),
                f"69{i:011d}",
            ]
            if with_stock:
                row.append(str(10 + i % 50 + (7 if recount and i % 5 == 0 else 0)))
            w.writerow(row)


def write_shopify(path: Path, rows: int, prefix: str) -> None:
    header = [
        "Handle",
        "Title",
        "Body (HTML)",
        "Vendor",
        "Type",
        "Tags",
        "Published",
        "Option1 Name",
        "Option1 Value",
        "Option2 Name",
        "Option2 Value",
        "Variant SKU",
        "Variant Grams",
        "Variant Price",
        "Variant Compare At Price",
        "Variant Inventory Qty",
        "Image Src",
        "Image Alt Text",
        "SEO Title",
        "SEO Description",
        "Status",
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(rows):
            p, s = divmod(i, len(SIZES))
            first = s == 0
            w.writerow(
                [
                    f"{prefix}-{p}",
                    f"Linen shirt {p}" if first else "",
                    f"<p>Linen shirt number {p}</p>" if first else "",
                    "Dianpu" if first else "",
                    "Shirts" if first else "",
                    "linen, summer" if first else "",
                    "TRUE" if first else "",
                    "Color" if first else "",
                    COLOURS[p % 4],
                    "Size" if first else "",
                    SIZES[s],
                    f"{prefix.upper()}-{p:06d}-{SIZES[s]}",
                    str(200 + s * 10),
                    f"{129 + p % 50}.00",
                    f"{159 + p % 50}.00",
                    str(i % 40),
                    f"https://cdn.example.com/{prefix}/{p}.jpg" if first else "",
                    f"Linen shirt {p}" if first else "",
                    f"Linen shirt {p}" if first else "",
                    "Breathable linen shirt" if first else "",
                    "active" if first else "",
                ]
            )


def write_xlsx_copy(source: Path, target: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("products")
    with source.open(newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            sheet.append(row)
    workbook.save(target)


def manage(*args: str, capture: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=ENV, check=True, capture_output=capture, text=True
    )


def timed_import(path: Path, *extra: str) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system of the import process) and its peak RSS in MB.
    On a shared machine the wall time includes waiting for a core; the CPU time is the import's cost."""
    start = time.perf_counter()
    with (VAR / "import.stderr").open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "import_products", str(path), *extra],
            cwd=ROOT,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        stdout = process.stdout.read()
        process.stdout.close()
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(
            process.returncode, process.args, stdout, (VAR / "import.stderr").read_text()[-2000:]
        )
    summary = stdout.strip().splitlines()[-1] if stdout.strip() else ""
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=0, help="run only the first N cases (default: all)")
    args = parser.parse_args()
    if VAR.exists():
        shutil.rmtree(VAR)
    VAR.mkdir(parents=True)
    native, recount, shopify, bare = (
        VAR / "native.csv",
        VAR / "native-recount.csv",
        VAR / "shopify.csv",
        VAR / "native-no-stock.csv",
    )
    write_native(native, args.rows, "tee", with_stock=True)
    write_native(recount, args.rows, "tee", with_stock=True, recount=True)
    write_shopify(shopify, args.rows, "shirt")
    write_native(bare, args.rows, "bare")
    xlsx = VAR / "native.xlsx"
    start = time.perf_counter()
    write_xlsx_copy(native, xlsx)
    xlsx_write_seconds = time.perf_counter() - start
    print("migrating a fresh SQLite database…", flush=True)
    manage("migrate", "--noinput", "-v", "0")
    cases = [
        ("native CSV + stock, new", native, args.rows, ()),
        ("native CSV again (no change)", native, args.rows, ()),
        ("same rows as XLSX (no change)", xlsx, args.rows, ()),
        ("native CSV, 1/5 stock recounted", recount, args.rows, ()),
        ("Shopify CSV + stock, new", shopify, args.rows, ()),
        ("native CSV without stock, new", bare, args.rows, ()),
    ]
    results = []
    for name, path, rows, extra in cases[: args.cases or None]:
        print(f"importing: {name} ({rows:,} rows)…", flush=True)
        seconds, cpu_seconds, peak_mb, summary = timed_import(path, *extra)
        results.append(
            {
                "case": name,
                "rows": rows,
                "seconds": round(seconds, 2),
                "cpu_seconds": round(cpu_seconds, 2),
                "peak_rss_mb": round(peak_mb),
                "rows_per_second": round(rows / seconds),
                "summary": summary,
            }
        )
    payload = {
        "benchmark": "import_products",
        "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "database": "sqlite (fresh, bench/var/import_products)",
        "goal": "100,000 rows in under 10 s",
        "results": results,
        "load_average_1m": round(os.getloadavg()[0], 2),
        "xlsx_write_seconds": round(xlsx_write_seconds, 2),
        "lxml": _has_lxml(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "import_products.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    print(f"\n{'case':<32} {'rows':>9} {'seconds':>9} {'CPU s':>9} {'peak MB':>9} {'rows/s':>9}")
    for r in results:
        print(
            f"{r['case']:<32} {r['rows']:>9,} {r['seconds']:>9.2f} {r['cpu_seconds']:>9.2f} "
            f"{r['peak_rss_mb']:>9,} {r['rows_per_second']:>9,}"
        )
    print(f"load average (1 min) at the end: {payload['load_average_1m']}")
    print(
        f"\nXLSX copy written (openpyxl write-only, lxml {'on' if _has_lxml() else 'off'}): {xlsx_write_seconds:.2f} s"
    )
    print("written: bench/results/import_products.json")


def _has_lxml() -> bool:
    """Whether openpyxl writes through lxml (installed, and not turned off by OPENPYXL_LXML=False)."""
    from openpyxl.xml import LXML

    return bool(LXML)


if __name__ == "__main__":
    main()
