"""File names from users are display text: clean, and safe in headers and zips."""

from __future__ import annotations

import pytest

from myphoto.common.filenames import UniqueNames, display_name
from myphoto.photos.disposition import ascii_fallback, content_disposition


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("사진 2023.jpg", "사진 2023.jpg"),
        ("C:\\Users\\me\\IMG_1.JPG", "IMG_1.JPG"),
        ("../../etc/passwd", "passwd"),
        ("bad\x00na\nme.jpg", "badname.jpg"),
        ("\u202egpj.exe", "gpj.exe"),
        ("", "photo.jpg"),
        ("...", "photo.jpg"),
        ("\u1109\u1161\u110c\u1175\u11ab.jpg", "사진.jpg"),  # macOS sends decomposed Hangul
    ],
)
def test_display_name(given, expected):
    assert display_name(given) == expected


def test_long_names_keep_their_extension():
    name = display_name("x" * 400 + ".jpeg")

    assert len(name) == 255 and name.endswith(".jpeg")


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("사진 2023.jpg", "2023.jpg"),
        ("사진.jpg", "photo.jpg"),
        ("Café.jpg", "Cafe.jpg"),
        ('a"b.jpg', "a_b.jpg"),
    ],
)
def test_ascii_fallback(name, fallback):
    assert ascii_fallback(name) == fallback


def test_content_disposition_never_carries_raw_quotes_or_newlines():
    header = content_disposition('evil"\r\nSet-Cookie: x=1.jpg')

    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2


def test_unique_names_ignore_case_and_keep_folders_apart():
    names = UniqueNames()

    assert [names.claim("", "a.jpg"), names.claim("", "A.jpg"), names.claim("", "a.jpg")] == [
        "a.jpg",
        "A (2).jpg",
        "a (3).jpg",
    ]
    assert names.claim("2023", "a.jpg") == "2023/a.jpg"
