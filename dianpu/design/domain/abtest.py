"""The main-image A/B test: which image a visitor sees, and whether one image wins.

The split is a hash of (experiment, visitor id) — FNV-1a, 32 bits, then MurmurHash3's finaliser
(FNV-1a's low bits depend only on the low bits of the input bytes, so "% 2" alone would put a
visitor in the same half of every experiment) — modulo the number of images:
the same visitor always sees the same image, visitors spread evenly, and the storefront's script
(design/static/design/ab.js) computes the very same number in the browser, so a cached page
serves every visitor their own image. Impressions and clicks are attributed by the same hash.

Significance: two-proportion z-test of the best click-through rate against the runner-up."""

import math
from dataclasses import dataclass

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193
ALPHA = 0.05
MIN_IMPRESSIONS = 100  # per image, before any winner is suggested


def fnv1a_32(text: str) -> int:
    value = FNV_OFFSET
    for byte in text.encode("utf-8"):
        value ^= byte
        value = (value * FNV_PRIME) & 0xFFFFFFFF
    return value


def mix32(value: int) -> int:
    """MurmurHash3's 32-bit finaliser: every input bit reaches every output bit."""
    value ^= value >> 16
    value = (value * 0x85EBCA6B) & 0xFFFFFFFF
    value ^= value >> 13
    value = (value * 0xC2B2AE35) & 0xFFFFFFFF
    value ^= value >> 16
    return value


def assign_arm(experiment_id: int, visitor_id: str, arms: int) -> int:
    """The index (0 … arms-1) of the image this visitor sees in this experiment."""
    if arms < 1:
        raise ValueError("arms")
    return mix32(fnv1a_32(f"{experiment_id}:{visitor_id}")) % arms


@dataclass(frozen=True)
class ArmFigures:
    arm: int
    impressions: int
    clicks: int

    @property
    def ctr(self) -> float:
        return self.clicks / self.impressions if self.impressions else 0.0


@dataclass(frozen=True)
class ZTest:
    z: float
    p_value: float


def two_proportion_z_test(clicks_a: int, shown_a: int, clicks_b: int, shown_b: int) -> ZTest:
    """Two-sided z-test of p_a = p_b with the pooled proportion. No data or no variance: z 0, p 1."""
    if shown_a <= 0 or shown_b <= 0:
        return ZTest(0.0, 1.0)
    pooled = (clicks_a + clicks_b) / (shown_a + shown_b)
    variance = pooled * (1 - pooled) * (1 / shown_a + 1 / shown_b)
    if variance <= 0:
        return ZTest(0.0, 1.0)
    z = (clicks_a / shown_a - clicks_b / shown_b) / math.sqrt(variance)
    return ZTest(z, math.erfc(abs(z) / math.sqrt(2)))


@dataclass(frozen=True)
class Verdict:
    winner: int | None  # the arm index to apply, None while nothing is significant
    p_value: float
    reason: str  # "significant" | "not_significant" | "too_few_impressions" | "tie"


def suggest_winner(figures: list[ArmFigures], alpha: float = ALPHA, min_impressions: int = MIN_IMPRESSIONS) -> Verdict:
    """The best arm, when its click-through beats the runner-up's significantly."""
    if len(figures) < 2 or any(f.impressions < min_impressions for f in figures):
        return Verdict(None, 1.0, "too_few_impressions")
    ranked = sorted(figures, key=lambda f: (-f.ctr, f.arm))
    best, runner_up = ranked[0], ranked[1]
    if best.ctr == runner_up.ctr:
        return Verdict(None, 1.0, "tie")
    test = two_proportion_z_test(best.clicks, best.impressions, runner_up.clicks, runner_up.impressions)
    if test.p_value < alpha:
        return Verdict(best.arm, test.p_value, "significant")
    return Verdict(None, test.p_value, "not_significant")
