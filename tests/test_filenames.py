"""File names from users are display text: clean, and safe in headers and zips."""

from __future__ import annotations

import pytest

from myphoto.common.filenames import UniqueNames, display_name, portable_name, with_extension
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


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ('a<b>c:d"e|f?g*h.jpg', "a_b_c_d_e_f_g_h.jpg"),
        ("trailing dot.", "trailing dot"),
        ("trailing space.jpg .", "trailing space.jpg"),
        ("CON", "_CON"),
        ("con.jpg", "_con.jpg"),
        ("Nul.tar.gz", "_Nul.tar.gz"),
        ("COM1.png", "_COM1.png"),
        ("LPT9", "_LPT9"),
        ("CONSOLE.jpg", "CONSOLE.jpg"),
        ("사진 2023.jpg", "사진 2023.jpg"),
        ("dir\\\\name.jpg", "name.jpg"),
    ],
)
def test_portable_names_are_safe_on_windows_and_still_readable(given, expected):
    assert portable_name(given) == expected


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("evil.html", "image/png", "evil.png"),
        ("IMG_0001.JPG", "image/jpeg", "IMG_0001.JPG"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("IMG_0002", "image/heic", "IMG_0002.heic"),
        ("scan.tiff", "image/tiff", "scan.tiff"),
        ("holiday.jpg", "image/heic", "holiday.heic"),
        ("archive.tar.gz", "image/png", "archive.tar.png"),
    ],
)
def test_a_download_name_says_what_the_file_is(name, content_type, expected):
    assert with_extension(name, content_type) == expected
