"""Image kinds a brief can ask for, with their platform defaults, and the checks a draft must pass.

The checks judge facts measured elsewhere (ImageFacts: format, pixels, bytes, how white the
border is); each problem is a code with its numbers, turned into text by messages.py."""

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
MAX_PIXELS = 40_000_000  # a larger image is refused before it is decoded
WHITE_LEVEL = 245  # every channel at least this bright counts as white
WHITE_SHARE = 0.97  # of the border's pixels, for a "white background" main image


@dataclass(frozen=True)
class KindSpec:
    code: str
    width: int
    height: int | None  # None: any height (a detail image is as tall as it needs)
    max_kb: int
    white_background: bool


KINDS: dict[str, KindSpec] = {
    "main": KindSpec("main", 800, 800, 3 * 1024, True),  # 主图: 800×800, white for the search list
    "sku": KindSpec("sku", 800, 800, 3 * 1024, False),  # SKU 图
    "detail": KindSpec("detail", 750, None, 3 * 1024, False),  # 详情图: 750 wide
    "banner": KindSpec("banner", 1920, 600, 2 * 1024, False),  # 横幅
    "scene": KindSpec("scene", 800, 1200, 3 * 1024, False),  # 场景图 2:3
}


@dataclass(frozen=True)
class Requirement:
    """One line of a brief: `count` images of `kind` at `width`×`height` (height None: any)."""

    kind: str
    width: int
    height: int | None
    count: int = 1
    white_background: bool = False
    max_kb: int = 3 * 1024

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "width": self.width,
            "height": self.height,
            "count": self.count,
            "white_background": self.white_background,
            "max_kb": self.max_kb,
        }


def requirement_for(
    kind: str,
    *,
    width: int | str | None = None,
    height: int | str | None = None,
    count: int | str | None = 1,
    white_background: object = None,
) -> Requirement:
    """A requirement with the kind's defaults filled in; raises ValueError on an unknown kind or bad numbers."""
    spec = KINDS[kind]  # KeyError -> unknown kind
    w = int(width) if width not in (None, "") else spec.width
    h = int(height) if height not in (None, "") else spec.height
    n = int(count or 1)
    if not (100 <= w <= 5000) or (h is not None and not (100 <= h <= 10000)) or not (1 <= n <= 20):
        raise ValueError("size")
    white = spec.white_background if white_background is None else bool(white_background)
    return Requirement(kind=kind, width=w, height=h, count=n, white_background=white, max_kb=spec.max_kb)


def requirement_from(data: dict[str, Any]) -> Requirement:
    return Requirement(
        kind=data["kind"],
        width=int(data["width"]),
        height=None if data.get("height") is None else int(data["height"]),
        count=int(data.get("count", 1)),
        white_background=bool(data.get("white_background")),
        max_kb=int(data.get("max_kb", 3 * 1024)),
    )


@dataclass(frozen=True)
class ImageFacts:
    format: str  # Pillow's format name: JPEG, PNG, WEBP …
    width: int
    height: int
    size_bytes: int
    white_border_share: float  # 0–1: share of the border's pixels that are white


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict[str, Any]


def check_image(facts: ImageFacts, need: Requirement) -> list[Problem]:
    """What is wrong with this image for this requirement (empty: it passes).

    Larger than asked is fine when the ratio is the same (800×800 asked, 1600×1600 given);
    smaller is not; a fixed-height requirement needs the same ratio to within 1%."""
    problems = []
    if facts.format not in ACCEPTED_FORMATS:
        return [Problem("image_format", {"format": facts.format or "?"})]
    if facts.width < need.width or (need.height is not None and facts.height < need.height):
        problems.append(
            Problem(
                "image_too_small",
                {
                    "width": facts.width,
                    "height": facts.height,
                    "need_width": need.width,
                    "need_height": need.height or "—",
                },
            )
        )
    if need.height is not None and not same_ratio(facts.width, facts.height, need.width, need.height):
        problems.append(
            Problem(
                "image_ratio",
                {"ratio": ratio_text(facts.width, facts.height), "need_ratio": ratio_text(need.width, need.height)},
            )
        )
    if facts.size_bytes > need.max_kb * 1024:
        problems.append(Problem("image_too_heavy", {"kb": -(-facts.size_bytes // 1024), "max_kb": need.max_kb}))
    if need.white_background and facts.white_border_share < WHITE_SHARE:
        problems.append(Problem("image_not_white", {"percent": int(facts.white_border_share * 100)}))
    return problems


def same_ratio(width: int, height: int, need_width: int, need_height: int, tolerance: float = 0.01) -> bool:
    return abs(width * need_height - height * need_width) <= tolerance * need_width * height


def ratio_text(width: int, height: int) -> str:
    ratio = Fraction(width, height)
    if ratio.denominator <= 20:
        return f"{ratio.numerator}:{ratio.denominator}"
    return f"{width / height:.2f}:1"
