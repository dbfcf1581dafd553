"""Dates as the reader's language writes them: one style per language (myphoto/formats/).

Django's named formats (DATE_FORMAT, …) serve templates; the timeline's own (a day's
heading, a photo's time) live beside them and are read here, once per language.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache, lru_cache
from importlib import import_module
from typing import Any

from django.conf import settings
from django.utils import dateformat, translation

# The timeline's formats: "Sat, 5 Dec 2026" / "2026년 12월 5일 (토)", and the others.
NAMES = (
    "DAY_HEADING_FORMAT",
    "DAY_SHORT_FORMAT",
    "DAY_SPOKEN_FORMAT",
    "TAKEN_DAY_FORMAT",
    "MONTH_LABEL_FORMAT",
)


@cache
def _formats(language: str) -> dict[str, str]:
    english = import_module("myphoto.formats.en.formats")
    try:
        module = import_module(f"myphoto.formats.{language.split('-')[0]}.formats")
    except ImportError:
        module = english
    found = {name: getattr(module, name, getattr(english, name)) for name in NAMES}
    found["WEEKDAY_ABBREVIATIONS"] = getattr(module, "WEEKDAY_ABBREVIATIONS", None)
    return found


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def local_format(name: str) -> Any:
    return _formats(_language())[name]


def day_heading(day: date) -> str:
    pattern = local_format("DAY_HEADING_FORMAT")
    abbreviations = local_format("WEEKDAY_ABBREVIATIONS")
    if abbreviations:  # the language's own short weekday, as an escaped literal
        pattern = pattern.replace("D", "\\" + abbreviations[day.weekday()])
    return dateformat.format(day, pattern)


def day_short(day: date) -> str:
    return dateformat.format(day, local_format("DAY_SHORT_FORMAT"))


def day_spoken(day: date) -> str:
    return dateformat.format(day, local_format("DAY_SPOKEN_FORMAT"))


def taken_text(moment: datetime) -> str:
    """ "Wednesday 11 October 2023, 14:15" at the moment's own offset."""
    day = _taken_day(moment.date(), _language())
    return f"{day} {moment:%H:%M}"


@lru_cache(maxsize=4096)
def _taken_day(day: date, language: str) -> str:
    # Formatting the day's words took most of a tile's time; a page's tiles share few days.
    return dateformat.format(day, local_format("TAKEN_DAY_FORMAT"))


def month_label(month: date) -> str:
    return _month_label(month, _language())


@lru_cache(maxsize=2048)
def _month_label(month: date, language: str) -> str:
    # The scrubber labels every month of the library on every page: twenty years are
    # 240 formattings of the same few words.
    return dateformat.format(month, local_format("MONTH_LABEL_FORMAT"))
