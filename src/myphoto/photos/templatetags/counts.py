"""Counted nouns in the reader's language: "3 photos", "사진 3장", "1 album", "앨범 1개".

Plurals are gettext's (ngettext), numbers grouped as the language writes them.
"""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import ngettext

register = template.Library()

# Each noun with its singular and plural, as gettext extracts them.
NOUNS = {
    "photo": lambda n: ngettext("%(count)s photo", "%(count)s photos", n),
    "video": lambda n: ngettext("%(count)s video", "%(count)s videos", n),
    "album": lambda n: ngettext("%(count)s album", "%(count)s albums", n),
    "country": lambda n: ngettext("%(count)s country", "%(count)s countries", n),
    "town": lambda n: ngettext("%(count)s town", "%(count)s towns", n),
    "person": lambda n: ngettext("%(count)s person", "%(count)s people", n),
    "group": lambda n: ngettext("%(count)s group", "%(count)s groups", n),
    "problem": lambda n: ngettext("%(count)s problem", "%(count)s problems", n),
    "view": lambda n: ngettext("%(count)s view", "%(count)s views", n),
    "download": lambda n: ngettext("%(count)s download", "%(count)s downloads", n),
    "day": lambda n: ngettext("%(count)s day", "%(count)s days", n),
}


def counted_text(count: int, noun: str) -> str:
    return NOUNS[noun](count) % {"count": number_format(count, force_grouping=True)}


@register.filter
def counted(count: int | None, noun: str = "photo") -> str:
    """`{{ count|counted:"photo" }}` → "1,234 photos" / "사진 1,234장"."""
    return counted_text(int(count or 0), noun or "photo")
