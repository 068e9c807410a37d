"""Reading values out of a product page: CSS selectors on HTML (lxml + cssselect; "sel@attr" reads
an attribute) and dotted key paths on JSON ("data.price", "$.items[0].price"). Pure: bytes in."""

import hashlib
import json
import re
from typing import Any

import lxml.html
from cssselect import SelectorError
from lxml import etree

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class SelectorInvalid(ValueError):
    pass


def parse_document(body: bytes, is_json: bool) -> Any:
    if is_json:
        return json.loads(body.decode("utf-8-sig", errors="replace"))
    return lxml.html.document_fromstring(body)


def select_text(document: Any, selector: str, is_json: bool) -> str | None:
    """The text the selector points at (None: nothing matched)."""
    selector = (selector or "").strip()
    if not selector:
        return None
    if is_json:
        return _json_value(document, selector)
    attribute = None
    if "@" in selector:
        selector, attribute = selector.rsplit("@", 1)
    try:
        found = document.cssselect(selector.strip())
    except (SelectorError, etree.XPathError) as error:
        raise SelectorInvalid(str(error)) from None
    if not found:
        return None
    if attribute:
        value = found[0].get(attribute.strip())
        return value.strip() if value is not None else None
    text = " ".join(found[0].text_content().split())
    return text or None


def _json_value(document: Any, path: str) -> str | None:
    path = path[1:] if path.startswith("$") else path
    current = document
    for key, index in _PATH_PART.findall(path):
        if key:
            if not isinstance(current, dict) or key not in current:
                return None
            current = current[key]
        else:
            if not isinstance(current, list) or int(index) >= len(current):
                return None
            current = current[int(index)]
    if current is None or isinstance(current, (dict, list)):
        return None
    return str(current).strip()


def content_hash(document: Any, is_json: bool) -> str:
    """A hash of the page's visible text (scripts and styles left out), to notice a new detail page."""
    if is_json:
        text = json.dumps(document, sort_keys=True, ensure_ascii=False)
    else:
        for bad in document.xpath("//script|//style"):
            bad.drop_tree()
        text = " ".join(document.text_content().split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
