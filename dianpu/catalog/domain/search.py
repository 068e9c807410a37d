"""Search text for Chinese and English: words cut with jieba, Latin words lower-cased.

Pure (jieba is a tokeniser, no I/O after its dictionary loads). A product stores
`build_search_document(...)`: its tokens separated by spaces and wrapped in spaces, so a Latin
query word matches a token prefix with `LIKE '% wor%'`; Chinese terms match as substrings.
"""

import logging
import re
import unicodedata
from functools import lru_cache

import jieba

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"[0-9a-z]+|[\u3400-\u9fff\uf900-\ufaff]+", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def tokenize(text: str) -> list[str]:
    """Tokens of a text: jieba's search-mode cut for Chinese runs, plus single characters,
    so that "羽绒服" is found by "羽绒", "羽绒服" and "绒"; Latin words lower-cased."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    tokens: list[str] = []
    for run in _WORD.findall(text):
        if _CJK.match(run):
            tokens.extend(_cjk_tokens(run))
        else:
            tokens.append(run)
    seen = set()
    unique = []
    for token in tokens:
        if token not in seen:
            seen.add(token)
            unique.append(token)
    return unique


@lru_cache(maxsize=50_000)
def _cjk_tokens(run: str) -> tuple[str, ...]:
    """jieba's search-mode words of a Chinese run, its single characters and the run itself
    (cached: a catalogue repeats the same runs in many products, and an import of 100,000 rows
    would otherwise cut them again and again)."""
    return (*(t for t in jieba.cut_for_search(run) if t.strip()), *run, run)


def build_search_document(*parts: str) -> str:
    return " " + " ".join(tokenize(" ".join(p for p in parts if p))) + " "


def has_cjk(term: str) -> bool:
    return bool(_CJK.search(term))


def query_terms(query: str) -> list[str]:
    """The terms a query must all match: jieba's precise cut for Chinese, words for Latin.

    A Chinese term matches anywhere in the document (which holds every whole Chinese run, so a
    word jieba cut differently in context is still found); a Latin term matches a word's start.
    """
    text = unicodedata.normalize("NFKC", query or "").lower()
    terms: list[str] = []
    for run in _WORD.findall(text):
        if _CJK.match(run):
            terms.extend(t for t in jieba.cut(run) if t.strip())
        else:
            terms.append(run)
    return list(dict.fromkeys(terms))[:8]
