"""A HEIC cut short is refused, whatever libheif would show of it: every item (each tile of
a grid, as iPhones write them) must lie inside the file, and every top-level box be whole.
libheif decodes a grid missing its last tiles, filling them with green."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from myphoto.photos.models import Photo

pytestmark = pytest.mark.django_db
GRID = (Path(__file__).parent / "data" / "heic" / "blue_grid_alpha.heic").read_bytes()


def upload(api, name: str, data: bytes):
    return api.post("/api/v1/photos", {"file": SimpleUploadedFile(name, data)})


def to_the_end(data: bytes) -> bytes:
    """The same file with its `mdat` box's size 0, "to the end of the file" (allowed): a cut
    then leaves every top-level box whole, and only the items tell."""
    at = data.index(b"mdat") - 4
    return data[:at] + bytes(4) + data[at + 4 :]


def test_a_whole_grid_heic_is_a_photo(api, photo_storage):
    for data in (GRID, to_the_end(GRID)):
        answer = upload(api, "IMG_0001.HEIC", data)
        assert answer.status_code == 201, answer.content
        assert (answer.json()["items"][0]["width"], answer.json()["items"][0]["height"]) == (
            320,
            240,
        )
        Photo.objects.all().delete()


@pytest.mark.parametrize("share", [0.3, 0.5, 0.9, 0.99])
@pytest.mark.parametrize("how", [lambda data: data, to_the_end], ids=["sized", "to the end"])
def test_a_grid_heic_cut_anywhere_is_refused_though_libheif_decodes_it(api, share, how):
    cut = how(GRID)[: int(len(GRID) * share)]
    if share >= 0.9:
        # What made this a silent loss: the decoder shows a picture, green where tiles are.
        shown = Image.open(io.BytesIO(cut))
        shown.load()
        assert shown.size == (320, 240)

    answer = upload(api, "IMG_0001.HEIC", cut)

    assert (answer.status_code, answer.json()["code"]) == (415, "unsupported_image")
    assert "damaged or incomplete" in answer.json()["detail"]
    assert not Photo.objects.exists()
