"""EAN-13 barcodes for demo SKUs: China's GS1 prefixes (690-699), one company prefix per brand,
unique item numbers, a correct check digit. Pure."""

import random

CHINA_PREFIXES = ("690", "691", "692", "693", "694", "695", "696", "697", "698", "699")


def ean13_check_digit(first12: str) -> int:
    """Weights 1, 3, 1, 3 … from the left over the first twelve digits."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(first12))
    return (10 - total % 10) % 10


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == int(code[12])


class BarcodeIssuer:
    """Hands out unique EAN-13s: 7-digit company prefix per brand + 5-digit item number."""

    ITEMS_PER_PREFIX = 100_000

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.prefixes: dict[str, list[str]] = {}
        self.taken_prefixes: set[str] = set()
        self.next_item: dict[str, int] = {}

    def _new_prefix(self) -> str:
        while True:
            prefix = self.rng.choice(CHINA_PREFIXES) + f"{self.rng.randrange(10**4):04d}"
            if prefix not in self.taken_prefixes:
                self.taken_prefixes.add(prefix)
                return prefix

    def issue(self, brand: str) -> str:
        if brand not in self.prefixes:
            self.prefixes[brand] = [self._new_prefix()]
            self.next_item[brand] = self.rng.randrange(100, 2000)
        item = self.next_item[brand]
        if item >= self.ITEMS_PER_PREFIX:
            self.prefixes[brand].append(self._new_prefix())
            item = 0
        self.next_item[brand] = item + 1
        first12 = self.prefixes[brand][-1] + f"{item:05d}"
        return first12 + str(ean13_check_digit(first12))
