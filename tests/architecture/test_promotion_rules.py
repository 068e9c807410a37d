"""Promotion rules checked by tools: the engine reads no clock, counters have one writer."""

from pathlib import Path

from .test_rules import offenders


def test_coupon_and_flash_counters_change_only_in_promotions_services():
    pattern = r"\b(used_count|flash_sold|uses|units)\s*=\s*F\(|\.(used_count|flash_sold)\s*[+-]?=[^=]"
    assert offenders(pattern, {"promotions/services.py"}) == []


def test_pricing_engine_reads_no_clock():
    engine = Path(__file__).resolve().parents[2] / "dianpu" / "promotions" / "domain"
    text = "\n".join(p.read_text(encoding="utf-8") for p in engine.glob("*.py"))
    for call in ("datetime.now(", "clock.now(", "timezone.now(", "time.time(", "date.today("):
        assert call not in text, call
