"""HTML sanitising (nh3, the Rust ammonia library) and plain-text cleaning of user input."""

import re

import nh3

ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def sanitize_html(html: str) -> str:
    """Rich text as stored: only safe tags and attributes, links forced to rel=noopener."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def clean_text(value: str) -> str:
    """A single-line text field as stored: markup removed, whitespace folded."""
    text = nh3.clean(value or "", tags=set())
    text = _TAG.sub("", text)
    # nh3 escapes &, < and >; a plain-text field keeps the characters themselves.
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&quot;", '"')
    text = _TAG.sub("", text)
    return _SPACE.sub(" ", text).strip()


def plain_text(html: str) -> str:
    """Visible text of an HTML fragment (for meta descriptions and search)."""
    return _SPACE.sub(" ", _TAG.sub(" ", html or "")).strip()
