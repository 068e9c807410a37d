"""Satisfaction surveys: CSAT (1–5 after delivery) and NPS (0–10 by period). Pure."""

from decimal import ROUND_HALF_UP, Decimal


def is_valid_score(kind: str, score: object) -> bool:
    if isinstance(score, bool) or not isinstance(score, int):
        return False
    return 1 <= score <= 5 if kind == "csat" else 0 <= score <= 10


def csat_percent(scores: list[int]) -> Decimal | None:
    """Share of satisfied answers (4 or 5), in percent to one decimal; None without answers."""
    if not scores:
        return None
    return (Decimal(sum(1 for s in scores if s >= 4)) * 100 / len(scores)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def nps(scores: list[int]) -> Decimal | None:
    """Net Promoter Score: % promoters (9–10) minus % detractors (0–6), −100…100."""
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return (Decimal(promoters - detractors) * 100 / len(scores)).quantize(Decimal("0.1"), ROUND_HALF_UP)
