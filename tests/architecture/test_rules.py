"""The layout rules of docs/architecture.md, checked by tools rather than prose."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIANPU = ROOT / "dianpu"
# Demo data is written in bulk, consistently, by one generator (documented exception).
BULK_WRITERS = {"system/demo"}


def source_files(*, exclude_tests=True):
    for path in DIANPU.rglob("*.py"):
        rel = path.relative_to(DIANPU).as_posix()
        if "/migrations/" in rel or (exclude_tests and "/tests/" in rel):
            continue
        if any(rel.startswith(prefix) for prefix in BULK_WRITERS):
            continue
        yield rel, path.read_text(encoding="utf-8")


def test_import_contracts_hold():
    """core imports no app; business apps never import edges; domain code imports no Django
    and no models/services/queries; uses flow one way (pyproject.toml [tool.importlinter])."""
    from importlinter.cli import lint_imports

    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def offenders(pattern: str, allowed: set[str]) -> list[str]:
    regex = re.compile(pattern)
    found = []
    for rel, text in source_files():
        if rel in allowed:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if regex.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    return found


def test_only_transition_order_writes_order_status():
    pattern = r"\border\.status\s*=[^=]|\bOrder\.objects[^\n]*\.update\([^)]*\bstatus="
    assert offenders(pattern, {"orders/services.py"}) == []


def test_stock_levels_change_only_in_inventory_services():
    pattern = r"StockLevel\.objects[^\n]*\.(update|create|bulk_create|get_or_create|delete)\(|\.(on_hand|reserved)\s*[+-]?=[^=]"
    assert offenders(pattern, {"inventory/services.py", "inventory/models.py"}) == []


EDGE = re.compile(r"(^|/)(api|views)\.py$|(^|/)console/[^/]+\.py$|management/commands/[^/]+\.py$")


@pytest.mark.parametrize(
    "pattern, what",
    [
        (r"transaction\.atomic", "transactions"),
        (
            r"\.objects\.(create|bulk_create|get_or_create|update_or_create)\(|\.objects[^\n]*\.(update|delete)\(",
            "ORM writes",
        ),
        (r"(?<!form)\.save\((?!commit)", "model saves"),
    ],
)
def test_edges_are_thin(pattern, what):
    """Console views, API endpoints and commands call services; they do not write rows themselves."""
    regex = re.compile(pattern)
    found = []
    for rel, text in source_files():
        if not EDGE.search(rel):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if regex.search(line):
                found.append(f"{rel}:{number}: {line.strip()}")
    assert found == [], f"{what} in edge modules"


def test_no_grab_bag_module_names():
    bad = [
        p.relative_to(ROOT).as_posix() for p in DIANPU.rglob("*.py") if p.stem in {"utils", "helpers", "common", "misc"}
    ]
    assert bad == []


def test_every_app_says_what_it_owns():
    missing = [
        p.parent.name
        for p in DIANPU.glob("*/apps.py")
        if len((p.parent / "__init__.py").read_text(encoding="utf-8").strip()) < 40
    ]
    assert missing == []


def test_the_stock_summary_is_written_only_by_inventory_summaries():
    """StockSummary / DailySkuSales change in the transaction of each move, by one module."""
    pattern = (
        r"(StockSummary|DailySkuSales)\.objects[^\n]*\.(update|create|bulk_create|bulk_update|get_or_create|delete)\("
    )
    assert offenders(pattern, {"inventory/summaries.py"}) == []
