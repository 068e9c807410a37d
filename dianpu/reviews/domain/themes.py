"""Review themes: the phrases that come back most often in a product's low-rated and in its
high-rated reviews. Pure: jieba cuts the Chinese, Latin text is split into lower-case words;
punctuation, single characters and common function words are dropped; a phrase is a word or two
adjacent words, counted once per review (ten reviews saying "偏小" weigh more than one saying it ten
times), and kept when at least `min_reviews` reviews say it."""

import re
from collections import Counter

import jieba

STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "是",
        "我",
        "你",
        "他",
        "她",
        "它",
        "也",
        "都",
        "就",
        "还",
        "很",
        "太",
        "非常",
        "挺",
        "比较",
        "有点",
        "有",
        "没有",
        "没",
        "不",
        "和",
        "与",
        "及",
        "在",
        "这",
        "那",
        "这个",
        "那个",
        "一个",
        "个",
        "吧",
        "啊",
        "呀",
        "吗",
        "呢",
        "哦",
        "嗯",
        "但是",
        "但",
        "而且",
        "所以",
        "因为",
        "如果",
        "就是",
        "还是",
        "可以",
        "感觉",
        "觉得",
        "东西",
        "买",
        "收到",
        "一下",
        "一点",
        "什么",
        "怎么",
        "我们",
        "你们",
        "自己",
        "会",
        "要",
        "说",
        "给",
        "让",
        "把",
        "被",
        "对",
        "从",
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "they",
        "them",
        "to",
        "of",
        "for",
        "in",
        "on",
        "at",
        "with",
        "as",
        "by",
        "from",
        "so",
        "very",
        "too",
        "really",
        "just",
        "not",
        "no",
        "yes",
        "have",
        "has",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
    ]
)
_WORD = re.compile(r"[0-9A-Za-z][0-9A-Za-z'-]*|[\u4e00-\u9fff]+")


def cut_words(text: str) -> list[str]:
    words = []
    for chunk in _WORD.findall(text or ""):
        if chunk[0].isascii():
            words.append(chunk.lower())
        else:
            words.extend(jieba.lcut(chunk))
    return [w for w in words if len(w) > 1 and w not in STOP_WORDS]


def _join(first: str, second: str) -> str:
    return first + (" " if first.isascii() and second.isascii() else "") + second


def find_themes(texts: list[str], *, limit: int = 8, min_reviews: int = 2) -> list[tuple[str, int]]:
    """[(phrase, number of reviews saying it)], most said first; a two-word phrase hides its words
    when as many reviews say the phrase as say the word."""
    counts: Counter[str] = Counter()
    parts: dict[str, tuple[str, str]] = {}
    for text in texts:
        words = cut_words(text)
        pairs = {_join(a, b): (a, b) for a, b in zip(words, words[1:], strict=False) if a != b}
        parts.update(pairs)
        counts.update(set(words) | set(pairs))
    kept = {p: n for p, n in counts.items() if n >= min_reviews}
    for phrase, (first, second) in parts.items():
        if phrase in kept:
            for word in (first, second):
                if kept.get(word) == kept[phrase]:
                    del kept[word]
    return sorted(kept.items(), key=lambda pn: (-pn[1], -len(pn[0]), pn[0]))[:limit]
