"""The command's sentences in its user's language.

The Korean comes from the server's own catalogue (`locale/ko/LC_MESSAGES/django.mo`, the
sentences `make messages` finds here too), read with the standard library's gettext: the
command imports nothing of Django. The language is chosen as other programs on the machine
choose theirs, from LANGUAGE, LC_ALL, LC_MESSAGES and LANG; English without them.
"""

from __future__ import annotations

import gettext as catalogues
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def _catalogue() -> catalogues.NullTranslations:
    # Looked up at each sentence (the files are read once and cached by gettext), so that
    # a changed environment, as in the tests, is followed.
    return catalogues.translation("django", localedir=LOCALE, fallback=True)


def gettext(message: str) -> str:
    return _catalogue().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _catalogue().ngettext(singular, plural, count)


def gettext_noop(message: str) -> str:
    """Marks a sentence for the catalogue (makemessages finds it by this name) where it is
    said later, with gettext."""
    return message


def language() -> str:
    """The language the sentences are in, for the server's answers too (Accept-Language)."""
    return _catalogue().info().get("language", "") or "en"


# Sentences more than one command says.


def stopped() -> str:
    return gettext("Stopped. Run the same command again to go on where it stopped.")


def album_added(title: str, added: int) -> str:
    return ngettext(
        "Album “%(title)s”: %(count)d photo added.",
        "Album “%(title)s”: %(count)d photos added.",
        added,
    ) % {"title": title, "count": added}


def failed(path: object, reason: object) -> str:
    return gettext("failed %(path)s: %(reason)s") % {"path": path, "reason": reason}
