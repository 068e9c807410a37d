"""Ranking help articles for a question, in Chinese or English, and how sure the bot may be. Pure.

Articles carry the search documents of catalog.domain.search (jieba tokens for Chinese, lower-case
words for Latin, each token wrapped in spaces). A query's terms are cut the same way, common
question words ("怎么", "如何", "how", "the") dropped; a Chinese term matches as a substring, a
Latin term as a word's start (so "return" finds "returns", and "refunds" is shortened to "refund").

Synonyms: the shop's search synonym groups (the storefront search's list, catalog.SearchSynonym) widen
a term: "快递" also matches an article that says "物流" when the shop grouped them. A synonym counts
as the word itself, and a synonym of several words needs all of them.

Score: each term weighs more when few articles hold it (idf over the candidates) and three times
more in the title than in the body. Confidence (0–1): the share of the question's terms, by weight,
that the best article holds — the bot answers from an article only above a threshold.
"""

import math
import re
from dataclasses import dataclass

from dianpu.catalog.domain.search import has_cjk, query_terms

TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
CONFIDENT = 0.6  # below: the bot hands over instead of guessing ...
CONFIDENT_WITH_TITLE = 0.5  # ... unless the article's title holds one of the question's words
PARTIAL = 0.5  # a Chinese word found only as its characters ("能改" in "修改") counts half

STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "嘛",
        "我",
        "你",
        "您",
        "他",
        "她",
        "它",
        "我们",
        "你们",
        "咱们",
        "怎么",
        "怎么样",
        "怎样",
        "如何",
        "什么",
        "可以",
        "能",
        "能否",
        "能不能",
        "要",
        "是",
        "是否",
        "有",
        "没有",
        "请问",
        "请",
        "一下",
        "在",
        "和",
        "与",
        "多少",
        "几",
        "哪",
        "哪里",
        "为什么",
        "为何",
        "么",
        "这个",
        "那个",
        "这",
        "那",
        "我的",
        "会",
        "需要",
        "想",
        "想要",
        "问",
        "问问",
        "一",
        "个",
        "吗",
        "还",
        "就",
        "都",
        "也",
        "又",
        "给",
        "让",
        "被",
        "把",
        "对",
        "从",
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "do",
        "does",
        "did",
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "can",
        "could",
        "i",
        "my",
        "me",
        "mine",
        "you",
        "your",
        "yours",
        "to",
        "of",
        "for",
        "in",
        "on",
        "at",
        "it",
        "its",
        "with",
        "and",
        "or",
        "please",
        "about",
        "there",
        "this",
        "that",
        "these",
        "those",
        "get",
        "got",
        "much",
        "many",
        "long",
        "will",
        "would",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "have",
        "has",
        "had",
        "if",
        "any",
        "some",
        "tell",
        "know",
        "want",
        "need",
        "am",
        "we",
        "our",
        "us",
        "by",
        "from",
        "as",
        "than",
        "then",
        "so",
        "not",
        "no",
        "yes",
    ]
)
_LATIN_SUFFIXES = ("ing", "es", "ed", "s")


@dataclass(frozen=True)
class Candidate:
    id: int
    search_title: str
    search_document: str


@dataclass(frozen=True)
class Ranked:
    id: int
    score: float
    confidence: float
    title_hit: bool = False  # a term of the question is in the title


def _stem(term: str) -> str:
    if has_cjk(term) or len(term) <= 4:
        return term
    for suffix in _LATIN_SUFFIXES:
        if term.endswith(suffix) and len(term) - len(suffix) >= 4:
            return term[: -len(suffix)]
    return term


def plan_terms(question: str) -> list[str]:
    """The question's content terms: jieba words for Chinese (single characters dropped when the
    question has longer words), Latin words stemmed; question words dropped."""
    terms = [t for t in query_terms(question) if t not in STOP_WORDS]
    if any(has_cjk(t) and len(t) > 1 for t in terms):
        terms = [t for t in terms if not (has_cjk(t) and len(t) == 1)]
    return list(dict.fromkeys(_stem(t) for t in terms if t))[:12]


Alternatives = dict[str, list[list[str]]]  # term -> the ways to match it: itself, then its synonyms


def _word_terms(word: str) -> list[str]:
    return [_stem(t) for t in query_terms(word) if t not in STOP_WORDS]


def widen_terms(terms: list[str], synonym_groups: list[list[str]] | None) -> Alternatives:
    """Each term with its alternatives: [[term]], then every other word of a synonym group that has
    the term as one of its words (each word cut into its terms, all of which must match)."""
    widened = {term: [[term]] for term in terms}
    for group in synonym_groups or []:
        cut = [_word_terms(w) for w in group]
        for term in terms:
            if [term] in cut:
                widened[term] += [w for w in cut if w and w != [term] and w not in widened[term]]
    return widened


def _strength(document: str, term: str, alternatives: Alternatives | None) -> float:
    ways = (alternatives or {}).get(term) or [[term]]
    return max(min(match_strength(document, t) for t in way) for way in ways)


def holds(document: str, term: str) -> bool:
    if has_cjk(term):
        return term in document
    return re.search(r" " + re.escape(term), document) is not None


def _characters(term: str) -> str:
    return "".join(c for c in term if c not in STOP_WORDS) if has_cjk(term) and len(term) > 1 else ""


def match_strength(document: str, term: str) -> float:
    """1 for the word itself; PARTIAL for a Chinese word whose every (non-question) character the
    document holds (a word jieba cut differently in the question: "能改" / "修改"); else 0."""
    if holds(document, term):
        return 1.0
    characters = _characters(term)
    return PARTIAL if characters and all(c in document for c in characters) else 0.0


def rank(terms: list[str], candidates: list[Candidate], alternatives: Alternatives | None = None) -> list[Ranked]:
    """Candidates holding at least one term (or a synonym of it), best first (score, then id for a
    stable order)."""
    if not terms or not candidates:
        return []
    count = len(candidates)
    weights = {}
    for term in terms:
        df = sum(1 for c in candidates if _strength(c.search_title + c.search_document, term, alternatives))
        # A longer word says more than a short one; a rare one more than a common one.
        weights[term] = math.log(1 + (count + 1) / (df + 0.5)) * (1.0 + 0.25 * min(len(term), 4))
    total = sum(weights.values()) or 1.0
    ranked = []
    for c in candidates:
        score, covered, title_hit = 0.0, 0.0, False
        for term, weight in weights.items():
            in_title = _strength(c.search_title, term, alternatives)
            in_body = _strength(c.search_document, term, alternatives)
            if in_title or in_body:
                covered += weight * max(in_title, in_body)
                score += weight * (TITLE_WEIGHT * in_title + BODY_WEIGHT * in_body)
                title_hit = title_hit or in_title == 1.0
        if score > 0:
            ranked.append(Ranked(c.id, round(score, 6), round(covered / total, 4), title_hit))
    ranked.sort(key=lambda r: (-r.score, r.id))
    return ranked


def is_confident(best: Ranked | None) -> bool:
    if best is None:
        return False
    return best.confidence >= CONFIDENT or (best.title_hit and best.confidence >= CONFIDENT_WITH_TITLE)


def excerpt(text: str, terms: list[str], length: int = 220) -> str:
    """The passage of an article's plain text around the first sentence holding a term (whole when short)."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    lowered = text.lower()
    positions = [lowered.find(t) for t in terms if lowered.find(t) >= 0]
    start = 0
    if positions:
        first = min(positions)
        cut = max(text.rfind(mark, 0, first) for mark in ("。", "！", "？", ". ", "\n"))
        start = cut + 1 if cut >= 0 and first - cut < length else max(0, first - 40)
    passage = text[start : start + length].strip()
    return ("…" if start > 0 else "") + passage + ("…" if start + length < len(text) else "")
