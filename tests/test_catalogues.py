"""The Korean catalogues: every sentence translated, the compiled files the ones the .po
files say (the .mo files are committed; nobody installs gettext to run MyPhoto)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

import myphoto

LOCALE = Path(myphoto.__file__).parent / "locale" / "ko" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{ ?\w+ ?\}\}")
# The functions that mark a sentence for the catalogue (makemessages looks for these names).
MARKERS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
CONTEXT_MARKERS = {"pgettext", "pgettext_lazy", "npgettext"}


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_entry_is_translated_and_compiled(domain):
    source = polib.pofile(str(LOCALE / f"{domain}.po"))
    compiled = polib.mofile(str(LOCALE / f"{domain}.mo"))
    untranslated = [entry.msgid for entry in source if not entry.translated()]
    assert untranslated == []
    assert [entry.msgid for entry in source if "fuzzy" in entry.flags] == []
    wanted = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0) for entry in source
    }
    have = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0)
        for entry in compiled
        if entry.msgid
    }
    assert have == wanted, "run `make messages`: the .mo is older than the .po"
    # Every placeholder of the English is in the Korean, so no value goes missing.
    for entry in source:
        korean = entry.msgstr or entry.msgstr_plural.get(0, "")
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(korean)), (
            entry.msgid
        )


def test_the_catalogue_is_what_pages_and_scripts_get(client, user):
    with translation.override("ko"):
        assert translation.gettext("Trash") == "휴지통"
        assert translation.ngettext("%(count)s photo", "%(count)s photos", 3) == "사진 %(count)s장"
    korean = json.dumps("휴지통으로 옮겼습니다")[1:-1]  # as the catalogue escapes it
    script = client.get("/jsi18n/", headers={"accept-language": "ko"}).content.decode()
    assert korean in script  # a script's sentence, in Korean
    english = client.get("/jsi18n/", headers={"accept-language": "en"}).content.decode()
    assert korean not in english


def test_every_sentence_the_code_marks_is_in_the_catalogue():
    """A sentence added to the code without `make messages` would reach a Korean reader
    in English: each marked literal of the server, the command line and `common` is here."""
    known = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(LOCALE / "django.po"))}
    marked = set()
    for path in Path(myphoto.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            strings = [arg.value if isinstance(arg, ast.Constant) else None for arg in node.args]
            if name in MARKERS and isinstance(strings[0], str):
                marked.add((None, strings[0], path.name))
            elif name in CONTEXT_MARKERS and len(strings) > 1 and isinstance(strings[1], str):
                marked.add((strings[0], strings[1], path.name))
    assert len(marked) > 200  # the walk found the code's sentences
    missing = sorted(
        f"{where}: {msgid}" for context, msgid, where in marked if (context, msgid) not in known
    )
    assert missing == [], "run `make messages` and translate them"
