"""Provinces compared by name, whatever suffix the writer used ("广东省" = "广东", "北京市" = "北京"). Pure."""

SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")


def normalize_province(province: str) -> str:
    text = "".join((province or "").split())
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text.lower()
