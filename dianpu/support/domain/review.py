"""Chat review (质检) and the agent's day: pure rules — the checklist score, banned words found in an
agent's replies, the weekly sample, the daily log's figures."""

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

CHECKLIST = ("greeting", "accuracy", "tone", "resolution")
MIN_SCORE, MAX_SCORE = 1, 5
# Words an agent must not write to a customer (rude, dismissive, promising what the shop cannot).
BANNED_WORDS = (
    "滚",
    "傻",
    "笨",
    "烦不烦",
    "爱买不买",
    "不关我事",
    "自己看",
    "不知道",
    "没办法",
    "你听不懂吗",
    "随便你",
    "肯定不会坏",
    "绝对没问题",
    "stupid",
    "whatever",
    "not my problem",
)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def find_banned_words(texts: Iterable[str], words: Iterable[str] = BANNED_WORDS) -> list[str]:
    """The banned words found (each once, in list order), case-insensitively."""
    joined = "\n".join(texts).lower()
    return [w for w in words if w.lower() in joined]


def is_valid_score(value: object) -> bool:
    return isinstance(value, int) and MIN_SCORE <= value <= MAX_SCORE


def calculate_score(scores: dict[str, int], banned_found: int) -> int:
    """Out of 100: each checklist item 1–5 (×5), minus 10 per banned word, never below 0."""
    return max(0, sum(scores[k] for k in CHECKLIST) * 5 - 10 * banned_found)


def pick_sample(conversation_ids: list[int], size: int, seed: str) -> list[int]:
    """A reproducible random sample (same week and agent: same sample)."""
    ids = sorted(set(conversation_ids))
    if len(ids) <= size:
        return ids
    return sorted(random.Random(seed).sample(ids, size))


@dataclass(frozen=True)
class DayFacts:
    handled: int
    still_open: int
    escalated: int
    complaints: int
    top_tags: list[list[Any]]  # [tag, count]: stored as JSON
    common_questions: list[str]


def summarise_day(conversations: Sequence[Mapping[str, Any]], open_count: int, top: int = 5) -> DayFacts:
    """`conversations`: the ones the agent handled that day, as dicts (tags, subject, escalated,
    complaint_cause)."""
    tags = Counter(t for c in conversations for t in (c.get("tags") or []))
    subjects = Counter((c.get("subject") or "").strip() for c in conversations if (c.get("subject") or "").strip())
    return DayFacts(
        handled=len(conversations),
        still_open=open_count,
        escalated=sum(1 for c in conversations if c.get("escalated")),
        complaints=sum(1 for c in conversations if c.get("complaint_cause")),
        top_tags=[[t, n] for t, n in tags.most_common(top)],
        common_questions=[s for s, _n in subjects.most_common(top)],
    )
