"""A carrier: its code, names, the shapes its tracking numbers take, and its tracking page."""

import re
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str  # zh-Hans
    name_en: str
    tracking_patterns: tuple[str, ...]
    tracking_url_template: str  # "{number}" is replaced by the tracking number
    example: str

    def normalize(self, tracking_number: str) -> str:
        return re.sub(r"[\s-]", "", tracking_number or "").upper()

    def is_valid_tracking_number(self, tracking_number: str) -> bool:
        number = self.normalize(tracking_number)
        return any(re.fullmatch(p, number) for p in self.tracking_patterns)

    def tracking_url(self, tracking_number: str) -> str:
        return self.tracking_url_template.format(number=quote(self.normalize(tracking_number)))
