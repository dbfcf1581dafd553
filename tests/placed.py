"""Four photos from three continents and the middle of the Pacific, for the tests of
places and search (the `library` fixture, conftest.py), and the names a page of the API
answers with."""

from __future__ import annotations

import images
from django.core.files.uploadedfile import SimpleUploadedFile

SEOUL = (37.5665, 126.9780)
AREZZO = (43.4633, 11.8797)
SAO_PAULO = (-23.5505, -46.6333)
MID_PACIFIC = (0.0, -150.0)


def four_photos(user, after_commit) -> dict:
    """Upload them for `user`, their jobs run; by file name."""
    from myphoto.photos.services.upload import photo_upload

    made = {
        "벚꽃 놀이.jpg": images.jpeg_from(
            taken="2023:10:11 14:15:16", gps=SEOUL, make="Apple", model="iPhone 15 Pro", seed=1
        ),
        "Piazza Grande.jpg": images.jpeg_from(
            taken="2022:05:03 10:00:00", gps=AREZZO, make="Canon", model="Canon EOS R5", seed=2
        ),
        "🌸 party.jpg": images.jpeg_from(
            taken="2023:01:20 21:30:00", gps=SAO_PAULO, make="samsung", model="SM-S918B", seed=3
        ),
        "ocean.jpg": images.jpeg_from(taken="2021:07:04 08:00:00", gps=MID_PACIFIC, seed=4),
    }
    photos = {}
    for name, data in made.items():
        with after_commit():
            photos[name] = photo_upload(owner=user, file=SimpleUploadedFile(name, data)).photo
    return photos


def names(answer) -> list[str]:
    assert answer.status_code == 200, answer.content
    return [item["filename"] for item in answer.json()["items"]]
