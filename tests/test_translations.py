"""Every message the code can show has a Vietnamese translation, and the translation keeps the
placeholders of the original.

The messages are extracted the way `make extract-messages` does (babel.cfg), straight from the source,
so this fails as soon as someone adds a string without translating it: run `make extract-messages`,
translate the new entries in planner/translations/vi/LC_MESSAGES/messages.po and drop their fuzzy flags.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
VI_PO = ROOT / "planner" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {
    "_": DEFAULT_KEYWORDS["_"],
    "gettext": DEFAULT_KEYWORDS["gettext"],
    "ngettext": DEFAULT_KEYWORDS["ngettext"],
    "_l": DEFAULT_KEYWORDS["gettext"],
    "lazy_gettext": DEFAULT_KEYWORDS["gettext"],
}
# %(name)s, %(days)d, %s, %.1f …; not the literal %%.
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]\w*\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _extract() -> dict[str, list[str]]:
    """msgid (the singular, for plural forms) → where it occurs."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True
    ):
        if not filename.startswith("planner/"):
            continue
        msgids = message if isinstance(message, tuple) else (message,)
        for msgid in msgids[:1]:
            if msgid:
                found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[str]]:
    found = _extract()
    assert len(found) > 50, f"extraction found only {len(found)} messages: is babel.cfg still right?"
    return found


@pytest.fixture(scope="module")
def catalog():
    with VI_PO.open("rb") as fileobj:
        return read_po(fileobj, locale="vi")


def _translations(message) -> list[str]:
    if isinstance(message.string, list | tuple):
        return list(message.string)
    return [message.string]


def test_every_message_has_a_vietnamese_translation(extracted, catalog) -> None:
    missing, empty, fuzzy = [], [], []
    for msgid, places in sorted(extracted.items()):
        message = catalog.get(msgid)
        where = f"{msgid!r} ({', '.join(places[:3])}{' …' if len(places) > 3 else ''})"
        if message is None:
            missing.append(where)
        elif not all(s.strip() for s in _translations(message)):
            empty.append(where)
        elif message.fuzzy:
            fuzzy.append(where)
    problems = []
    for title, items in (("not in messages.po", missing), ("untranslated", empty), ("fuzzy", fuzzy)):
        if items:
            problems.append(f"{len(items)} {title}:\n  " + "\n  ".join(items))
    if problems:
        pytest.fail(
            f"Vietnamese translations are owed ({VI_PO.relative_to(ROOT)}); run `make extract-messages`, "
            "translate, and remove the fuzzy flags.\n" + "\n".join(problems),
            pytrace=False,
        )


def test_translations_keep_the_placeholders(catalog) -> None:
    wrong = []
    for message in catalog:
        if not message.id:
            continue  # the header
        ids = list(message.id) if isinstance(message.id, tuple) else [message.id]
        wanted = Counter(PLACEHOLDER.findall(ids[-1]))
        for translation in _translations(message):
            if translation and Counter(PLACEHOLDER.findall(translation)) != wanted:
                got = sorted(PLACEHOLDER.findall(translation))
                wrong.append(f"{ids[0]!r}: wants {sorted(wanted.elements())}, the translation has {got}")
    if wrong:
        pytest.fail("Translations whose placeholders differ from the original:\n  " + "\n  ".join(wrong),
                    pytrace=False)
