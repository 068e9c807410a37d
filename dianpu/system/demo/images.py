"""Product pictures for the demo, drawn locally with Pillow: a tinted background, a simple
outline of the item (a shirt, a cup, earphones …), the English name and the brand.

Cheap on purpose (about 10 ms each). Pillow's built-in font carries no Chinese glyphs, so the
picture carries the English name; the alt text carries both languages.
"""

import io
import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

SIZE = 640


@lru_cache(maxsize=4)
def _font(size: int):
    return ImageFont.load_default(size=size)


def _jitter(rgb, rng: random.Random, amount: int):
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in rgb)


def _mix(rgb, other, share: float):
    return tuple(round(a * (1 - share) + b * share) for a, b in zip(rgb, other, strict=True))


def _shirt(d, c, fg):
    d.polygon(
        [
            (c - 150, c - 150),
            (c - 60, c - 185),
            (c - 30, c - 160),
            (c + 30, c - 160),
            (c + 60, c - 185),
            (c + 150, c - 150),
            (c + 195, c - 60),
            (c + 130, c - 35),
            (c + 120, c + 170),
            (c - 120, c + 170),
            (c - 130, c - 35),
            (c - 195, c - 60),
        ],
        fill=fg,
    )


def _dress(d, c, fg):
    d.polygon(
        [
            (c - 55, c - 190),
            (c + 55, c - 190),
            (c + 75, c - 60),
            (c + 175, c + 175),
            (c - 175, c + 175),
            (c - 75, c - 60),
        ],
        fill=fg,
    )


def _shoe(d, c, fg):
    d.polygon(
        [
            (c - 190, c + 90),
            (c - 190, c - 20),
            (c - 90, c - 40),
            (c - 30, c - 120),
            (c + 40, c - 100),
            (c + 60, c - 20),
            (c + 190, c + 30),
            (c + 200, c + 90),
        ],
        fill=fg,
    )
    d.rectangle([c - 195, c + 90, c + 205, c + 120], fill=_mix(fg, (40, 40, 40), 0.6))


def _earphones(d, c, fg):
    for dx in (-95, 95):
        d.ellipse([c + dx - 70, c - 120, c + dx + 70, c + 20], fill=fg)
        d.rounded_rectangle([c + dx - 22, c, c + dx + 22, c + 170], radius=20, fill=fg)


def _charger(d, c, fg):
    d.rounded_rectangle([c - 120, c - 110, c + 120, c + 170], radius=40, fill=fg)
    for dx in (-50, 30):
        d.rectangle([c + dx, c - 190, c + dx + 20, c - 110], fill=_mix(fg, (120, 120, 120), 0.5))


def _phone(d, c, fg):
    d.rounded_rectangle([c - 115, c - 200, c + 115, c + 200], radius=36, fill=fg)
    d.rounded_rectangle([c - 95, c - 180, c - 15, c - 100], radius=18, fill=_mix(fg, (0, 0, 0), 0.35))


def _cup(d, c, fg):
    d.rounded_rectangle([c - 130, c - 150, c + 90, c + 170], radius=26, fill=fg)
    d.arc([c + 40, c - 90, c + 190, c + 80], start=-90, end=90, fill=fg, width=34)


def _bed(d, c, fg):
    d.rounded_rectangle([c - 210, c - 60, c + 210, c + 150], radius=24, fill=fg)
    for dx in (-150, 30):
        d.rounded_rectangle([c + dx, c - 130, c + dx + 120, c - 50], radius=30, fill=_mix(fg, (255, 255, 255), 0.5))


def _box(d, c, fg):
    d.rectangle([c - 180, c - 100, c + 180, c + 170], fill=fg)
    d.rectangle([c - 200, c - 150, c + 200, c - 90], fill=_mix(fg, (0, 0, 0), 0.2))


def _candle(d, c, fg):
    d.rounded_rectangle([c - 110, c - 80, c + 110, c + 180], radius=30, fill=fg)
    d.ellipse([c - 25, c - 190, c + 25, c - 100], fill=(250, 190, 60))


def _leaf(d, c, fg):
    d.ellipse([c - 200, c - 110, c + 200, c + 110], fill=fg)
    d.line([c - 200, c, c + 200, c], fill=_mix(fg, (255, 255, 255), 0.4), width=8)


def _bag(d, c, fg):
    d.rounded_rectangle([c - 150, c - 170, c + 150, c + 190], radius=20, fill=fg)
    d.rectangle([c - 150, c - 170, c + 150, c - 140], fill=_mix(fg, (255, 255, 255), 0.4))


def _bean(d, c, fg):
    for dx, dy in ((-90, -40), (90, 40)):
        d.ellipse([c + dx - 90, c + dy - 130, c + dx + 90, c + dy + 130], fill=fg)
        d.line([c + dx, c + dy - 110, c + dx, c + dy + 110], fill=_mix(fg, (0, 0, 0), 0.4), width=10)


SHAPES = {
    "shirt": _shirt,
    "dress": _dress,
    "shoe": _shoe,
    "earphones": _earphones,
    "charger": _charger,
    "phone": _phone,
    "cup": _cup,
    "bed": _bed,
    "box": _box,
    "candle": _candle,
    "leaf": _leaf,
    "bag": _bag,
    "bean": _bean,
}


def _wrap(text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and font.getlength(trial) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    if line:
        lines.append(line)
    return lines[:2]


def draw_product_image(*, shape: str, colour: tuple[int, int, int], title: str, brand: str, seed: str) -> bytes:
    """A JPEG, SIZE x SIZE pixels; the same arguments give the same picture."""
    rng = random.Random(seed)
    fg = _jitter(colour, rng, 40)
    bg = _mix(_jitter(colour, rng, 30), (255, 255, 255), 0.82)
    img = Image.new("RGB", (SIZE, SIZE), bg)
    d = ImageDraw.Draw(img)
    d.ellipse([SIZE // 2 - 250, SIZE // 2 - 280, SIZE // 2 + 250, SIZE // 2 + 220], fill=_mix(bg, fg, 0.12))
    SHAPES.get(shape, _box)(d, SIZE // 2, fg)
    d.rectangle([0, SIZE - 140, SIZE, SIZE], fill=_mix(bg, (255, 255, 255), 0.6))
    font = _font(34)
    y = SIZE - 100
    for line in _wrap(title, font, SIZE - 60):
        d.text((SIZE // 2, y), line, fill=(40, 40, 40), font=font, anchor="mm")
        y += 42
    d.text((30, 30), brand.upper(), fill=_mix(fg, (0, 0, 0), 0.3), font=_font(24))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()
