"""Listing compliance: words a listing must not use.

The absolute terms of the PRC Advertising Law (《中华人民共和国广告法》第九条第三项 forbids
"国家级、最高级、最佳等用语"; market regulators read it to cover the superlatives and "first/only"
claims below), each with its reason in Chinese and English, plus a shop's own banned words.
Pure: texts in, findings out.
"""

from dataclasses import dataclass

ART_9 = (
    "《广告法》第九条第三项禁止使用“国家级”“最高级”“最佳”等用语",
    "Advertising Law art. 9(3) forbids 'national-level', 'highest-grade', 'best' and similar terms",
)


@dataclass(frozen=True)
class Term:
    word: str
    reason_zh: str
    reason_en: str


def _t(word: str, zh: str, en: str) -> Term:
    return Term(word, zh, en)


ADVERTISING_LAW_TERMS: tuple[Term, ...] = (
    _t(
        "国家级",
        "冒称国家级，属《广告法》第九条禁用的绝对化用语",
        "claims 'national level': an absolute term banned by art. 9",
    ),
    _t(
        "世界级",
        "绝对化的级别用语，属《广告法》第九条禁用",
        "claims 'world class': an absolute grade term banned by art. 9",
    ),
    _t("最高级", "《广告法》第九条明文禁止的“最高级”用语", "'highest grade' is named in art. 9 as forbidden"),
    _t("最佳", "《广告法》第九条明文禁止的“最佳”用语", "'best' is named in art. 9 as forbidden"),
    _t("最好", "最高级形容，属绝对化用语", "'the best': a superlative, an absolute term"),
    _t("最低价", "无法证实的最高级价格承诺，属绝对化用语", "'lowest price': an unprovable superlative price claim"),
    _t("最便宜", "无法证实的最高级价格承诺，属绝对化用语", "'cheapest': an unprovable superlative price claim"),
    _t("最先进", "最高级形容，属绝对化用语", "'most advanced': a superlative, an absolute term"),
    _t(
        "最",
        "“最”字开头的最高级形容多属绝对化用语（最新、最优等）",
        "words with 最 ('most') are superlatives, absolute terms",
    ),
    _t(
        "第一", "“第一”类排名宣称属绝对化用语（销量第一、全网第一等）", "'number one' ranking claims are absolute terms"
    ),
    _t("NO.1", "“NO.1”等同“第一”，属绝对化用语", "'No.1' equals 'first', an absolute term"),
    _t("唯一", "“唯一”属绝对化用语", "'the only' is an absolute term"),
    _t("顶级", "“顶级”属绝对化的级别用语", "'top grade' is an absolute grade term"),
    _t("极品", "“极品”属绝对化的级别用语", "'supreme quality' is an absolute grade term"),
    _t("极致", "“极致”属绝对化用语", "'ultimate' is an absolute term"),
    _t("终极", "“终极”属绝对化用语", "'ultimate' is an absolute term"),
    _t("万能", "“万能”是无法证实的功效宣称，属绝对化用语", "'all-purpose / cure-all' is an unprovable absolute claim"),
    _t("首个", "“首个”类宣称属绝对化用语", "'the first ever' is an absolute claim"),
    _t("首选", "“首选”属绝对化用语", "'first choice' is an absolute term"),
    _t("独家", "“独家”需有证据，通常视为绝对化用语", "'exclusive' needs proof and is usually treated as absolute"),
    _t("王牌", "“王牌”属绝对化用语", "'ace / king' is an absolute term"),
    _t("冠军", "“销量冠军”类宣称属绝对化用语", "'champion' sales claims are absolute terms"),
    _t("绝对", "“绝对”属绝对化用语", "'absolutely' is an absolute term"),
    _t("100%", "“100%”类功效或品质承诺属绝对化用语", "'100%' quality or effect promises are absolute claims"),
    _t("永久", "“永久”类承诺属绝对化用语", "'permanent / forever' promises are absolute claims"),
    _t("史无前例", "“史无前例”属绝对化用语", "'unprecedented' is an absolute term"),
    _t(
        "国家领导人",
        "广告中不得使用国家机关工作人员的名义或形象（第九条第二项）",
        "ads may not use the name or image of state officials (art. 9(2))",
    ),
)
# Everyday words that contain a banned character without being a claim.
ALLOWED_WORDS = ("最近", "最后一天", "最少", "最多可")


@dataclass(frozen=True)
class Finding:
    field: str
    word: str
    reason_zh: str
    reason_en: str
    source: str  # "law" or "shop"


def _mask_allowed(text: str) -> str:
    for word in ALLOWED_WORDS:
        text = text.replace(word, "\u3000" * len(word))
    return text


def find_banned_words(texts: dict[str, str], shop_words: dict[str, str] | tuple[()] = ()) -> list[Finding]:
    """Findings in `texts` (field -> plain text): each law term and each shop word found, once per field.
    A longer term found hides its shorter part (最佳 is reported, not also 最)."""
    shop = dict(shop_words) if not isinstance(shop_words, dict) else shop_words
    findings: list[Finding] = []
    for field_name, raw in texts.items():
        text = _mask_allowed((raw or "").upper())
        covered = text
        for term in sorted(ADVERTISING_LAW_TERMS, key=lambda t: -len(t.word)):
            word = term.word.upper()
            if word in covered:
                findings.append(Finding(field_name, term.word, term.reason_zh, term.reason_en, "law"))
                covered = covered.replace(word, "\u3000" * len(word))
        for word, reason in shop.items():
            if word and word.upper() in text:
                findings.append(
                    Finding(field_name, word, reason or "店铺禁用词", reason or "the shop's banned word", "shop")
                )
    return findings
