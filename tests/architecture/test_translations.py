"""Every page, e-mail and error exists in zh-Hans and en: the English catalogues are complete,
and one Chinese source string means one English text across the apps (Django merges all the
apps' catalogues into one, so two translations of the same string would make one of them wrong)."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2] / "dianpu"
CATALOGUES = sorted(ROOT.glob("*/locale/en/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_english_catalogue_is_complete(path):
    po = polib.pofile(str(path))
    missing = [e.msgid for e in po if not e.obsolete and e.msgid and not e.translated()]
    fuzzy = [e.msgid for e in po if not e.obsolete and "fuzzy" in e.flags]
    assert missing == [] and fuzzy == []


def test_one_source_string_has_one_english_text_across_apps():
    seen: dict[tuple, tuple[str, str]] = {}
    clashes = []
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgid or entry.msgid_plural:
                continue
            key = (entry.msgctxt, entry.msgid)
            app = path.parts[-5]
            if key in seen and seen[key][1] != entry.msgstr:
                clashes.append(f"{entry.msgid!r}: {seen[key][0]}={seen[key][1]!r}, {app}={entry.msgstr!r}")
            seen.setdefault(key, (app, entry.msgstr))
    assert clashes == []
