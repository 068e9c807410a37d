"""Search text for Chinese and English: words cut with jieba, Latin words lower-cased.

Pure (jieba is a tokeniser, no I/O after its dictionary loads). A product stores
`build_search_document(...)`: its tokens (per part) separated by spaces and wrapped in spaces, so a Latin
query word matches a token prefix with `LIKE '% wor%'`; Chinese terms match as substrings.
"""

import logging
import re
import unicodedata
from collections.abc import Callable
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
    """The tokens of each part (each part's tokens once), so that a word in the name, the category
    and the description counts three times in the ranking (catalog.search)."""
    return " " + " ".join(t for p in parts if p for t in tokenize(p)) + " "


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


# --- ranked full-text queries (catalog.search runs them on FTS5 or PostgreSQL full text) ------------

_SYNONYM_SPLIT = re.compile(r"[,，、;；=|\n]+")
_LATIN = re.compile(r"^[0-9a-z]+$")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
# Latin words shorter than this are not corrected (too many neighbours one edit away).
MIN_CORRECTED_LENGTH = 4


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().strip()


def synonym_words(text: str) -> list[str]:
    """The words of one synonym group as the shop typed them: "手机, 电话" or "tee = t-shirt"."""
    words = [" ".join(normalize(w).split()) for w in _SYNONYM_SPLIT.split(text or "")]
    return list(dict.fromkeys(w for w in words if w and query_terms(w)))


# A query is a list of clauses that must all match; a clause is a list of alternatives (a word
# and its synonyms), an alternative a list of terms that must all match.
Clause = list[list[str]]


def _contains_word(text: str, word: str) -> bool:
    if has_cjk(word):
        return word in text
    return re.search(r"(?<![0-9a-z])" + re.escape(word) + r"(?![0-9a-z])", text) is not None


def plan_query(query: str, synonym_groups: list[list[str]] | None = None) -> list[Clause]:
    """The clauses of a shopper's query, each word widened to its synonym group (longest words
    first, so "t-shirt" is taken whole before "shirt")."""
    text = normalize(query)
    clauses: list[Clause] = []
    words = sorted(((w, g) for g in synonym_groups or [] for w in g), key=lambda wg: -len(wg[0]))
    for word, group in words:
        if len(clauses) >= 8:
            break
        if _contains_word(text, word):
            clauses.append([query_terms(w) for w in group])
            text = text.replace(word, " ")
    for term in query_terms(text):
        clauses.append([[term]])
    return clauses[:8]


def _fts5_string(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts5_term(term: str) -> str:
    if has_cjk(term):
        if len(term) == 1:
            return _fts5_string(term)
        # The word as jieba cut it, or else all its characters (a word cut differently in context).
        return f"({_fts5_string(term)} OR ({' AND '.join(_fts5_string(c) for c in term)}))"
    return _fts5_string(term) + ("*" if len(term) > 1 else "")


def _tsquery_string(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery_term(term: str) -> str:
    if has_cjk(term):
        if len(term) == 1:
            return _tsquery_string(term)
        return f"({_tsquery_string(term)} | ({' & '.join(_tsquery_string(c) for c in term)}))"
    return _tsquery_string(term) + (":*" if len(term) > 1 else "")


def _render(clauses: list[Clause], term: Callable[[str], str], and_: str, or_: str) -> str:
    rendered = []
    for clause in clauses:
        alternatives = ["(" + and_.join(term(t) for t in alt) + ")" for alt in clause if alt]
        if alternatives:
            rendered.append("(" + or_.join(alternatives) + ")")
    return and_.join(rendered)


def to_fts5_match(clauses: list[Clause]) -> str:
    """An SQLite FTS5 MATCH expression: every clause, any alternative; Latin words as prefixes."""
    return _render(clauses, _fts5_term, " AND ", " OR ")


def to_tsquery(clauses: list[Clause]) -> str:
    """The same query as PostgreSQL tsquery text (lexemes quoted, so nothing is re-parsed)."""
    return _render(clauses, _tsquery_term, " & ", " | ")


def latin_terms(clauses: list[Clause]) -> list[str]:
    return list(
        dict.fromkeys(
            t for c in clauses for alt in c for t in alt if _LATIN.match(t) and len(t) >= MIN_CORRECTED_LENGTH
        )
    )


def one_edit_away(word: str) -> set[str]:
    """Every Latin word one deletion, transposition, substitution or insertion from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    inserts = {a + c + b for a, b in splits for c in _ALPHABET}
    return (deletes | transposes | replaces | inserts) - {word, ""}


def plan_corrections(clauses: list[Clause], known: dict[str, int]) -> dict[str, str]:
    """For each Latin term the index does not know, the known word one edit away found in the most
    products (`known`: word -> product count, for the candidates that exist)."""
    corrections = {}
    for term in latin_terms(clauses):
        if term in known:
            continue
        candidates = [(count, word) for word, count in known.items() if word in one_edit_away(term)]
        if candidates:
            corrections[term] = max(candidates)[1]
    return corrections


def apply_corrections(clauses: list[Clause], corrections: dict[str, str]) -> list[Clause]:
    return [[[corrections.get(t, t) for t in alt] for alt in clause] for clause in clauses]


def corrected_query(query: str, corrections: dict[str, str]) -> str:
    text = normalize(query)
    for wrong, right in corrections.items():
        text = re.sub(r"(?<![0-9a-z])" + re.escape(wrong) + r"(?![0-9a-z])", right, text)
    return text


PRICE_BANDS = ((0, 50), (50, 100), (100, 200), (200, 500), (500, 1000), (1000, None))
