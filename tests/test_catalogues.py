"""The Korean catalogues: every sentence translated, the compiled files the ones the .po
files say (the .mo files are committed; nobody installs gettext to run MyPhoto)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

import myphoto

LOCALE = Path(myphoto.__file__).parent / "locale" / "ko" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}")


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
