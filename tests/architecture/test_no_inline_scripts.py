"""No template carries behaviour the Content Security Policy (`script-src 'self'`) refuses.

Inline handlers (onclick=, onsubmit=, …), `javascript:` addresses, <script> elements with code
in them and htmx's evaluated attributes (hx-on, hx-vars, js: values) do nothing in the browser
under our CSP. Behaviour lives in static files instead: e.g. `data-confirm` and
`data-select-all`, handled by dianpu/console/static/console/console.js.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIANPU = ROOT / "dianpu"

INLINE_HANDLER = re.compile(r"""<[a-zA-Z][^>]*?\son[a-z]+\s*=(?!=)""", re.DOTALL)
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
HTMX_EVALUATED = re.compile(r"""\s(?:hx-on[:\-a-z]*|data-hx-on[:\-a-z]*|hx-vars)\s*=|\shx-[a-z]+\s*=\s*["']\s*js:""")
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
# JSON handed to a static script (Django's json_script) is data the browser does not run.
DATA_SCRIPT = re.compile(r"""type\s*=\s*["']application/(?:ld\+)?json["']""", re.IGNORECASE)


def templates():
    for path in sorted(DIANPU.rglob("templates/**/*.html")):
        yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def inline_behaviour(text: str) -> list[str]:
    found, markup = [], TEMPLATE_TAG.sub(" ", text)
    for regex, what in (
        (INLINE_HANDLER, "inline handler"),
        (JAVASCRIPT_URL, "javascript: address"),
        (HTMX_EVALUATED, "htmx attribute that evaluates code"),
    ):
        found += [f"{what}: {match.group(0).strip()[:80]}" for match in regex.finditer(markup)]
    for match in SCRIPT_TAG.finditer(text):
        attributes, body = match.group(1), match.group(2)
        if "src=" in attributes:
            if body.strip():
                found.append(f"<script src> with code inside: {body.strip()[:60]}")
        elif not DATA_SCRIPT.search(attributes):
            found.append(f"inline <script>: {body.strip()[:60]}")
    return found


def test_the_checker_finds_each_kind_of_inline_behaviour():
    assert inline_behaviour('<input type="checkbox" onclick="go()">') != []
    assert inline_behaviour('<form method="post"\n      onsubmit="return confirm(1)">') != []
    assert inline_behaviour('<a href="javascript:void(0)">x</a>') != []
    assert inline_behaviour("<script>alert(1)</script>") != []
    assert inline_behaviour('<div hx-on:click="alert(1)"></div>') != []
    assert inline_behaviour("<div hx-vals='js:{a: 1}'></div>") != []
    assert inline_behaviour('<script src="/static/a.js" defer></script>') == []
    assert inline_behaviour('<script type="application/ld+json">{"@type": "Product"}</script>') == []
    assert inline_behaviour('<button data-confirm="确定？" data-online="1">') == []
    assert inline_behaviour('<a class="btn{% if only == \'x\' %} on{% endif %}" href="?only=x">') == []


def test_no_template_has_inline_scripts_or_handlers():
    found = [f"{rel}: {problem}" for rel, text in templates() for problem in inline_behaviour(text)]
    assert found == [], "move the behaviour into a static script:\n" + "\n".join(found)
