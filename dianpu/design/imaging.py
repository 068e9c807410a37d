"""Measure an uploaded image with Pillow: its format and pixel size from the header (before any
decoding, so a decompression bomb is refused unread), then how white its border is."""

import io

from PIL import Image, UnidentifiedImageError

from .domain.images import MAX_PIXELS, WHITE_LEVEL, ImageFacts

SAMPLE = 200  # the border is judged on a copy this many pixels wide


class NotAnImage(ValueError):
    pass


class TooManyPixels(ValueError):
    def __init__(self, width: int, height: int):
        super().__init__("pixels")
        self.width, self.height = width, height


def measure(data: bytes) -> ImageFacts:
    try:
        with Image.open(io.BytesIO(data)) as img:
            width, height, fmt = img.width, img.height, (img.format or "").upper()
            if width * height > MAX_PIXELS:
                raise TooManyPixels(width, height)
            img.draft("RGB", (SAMPLE * 2, SAMPLE * 2))  # JPEG: decode at a reduced scale
            small = img.convert("RGB")
            small.thumbnail((SAMPLE, SAMPLE))
            white = white_border_share(small)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise NotAnImage(str(exc)) from exc
    return ImageFacts(format=fmt, width=width, height=height, size_bytes=len(data), white_border_share=white)


def white_border_share(img: Image.Image) -> float:
    """Share of the pixels in the outer 5% ring (at least 1 px) whose every channel is near white."""
    w, h = img.size
    ring = max(1, min(w, h) // 20)
    pixels = img.load()
    total = white = 0
    for y in range(h):
        inner = ring <= y < h - ring
        xs = list(range(ring)) + list(range(w - ring, w)) if inner else range(w)
        for x in xs:
            r, g, b = pixels[x, y]
            total += 1
            if r >= WHITE_LEVEL and g >= WHITE_LEVEL and b >= WHITE_LEVEL:
                white += 1
    return white / total if total else 0.0
