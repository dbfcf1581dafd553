"""Look-alikes: a photo re-saved, made smaller or cut a little is found beside the original
(not only equal bytes), the best chosen; keeping it trashes the others and carries their
albums, heart and description over."""

from __future__ import annotations

import images
import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from images import look_alikes

from myphoto.common.media import looks
from myphoto.photos.models import AlbumPhoto, Photo

pytestmark = pytest.mark.django_db


def upload(api, after_commit, files: dict[str, bytes]) -> dict[str, str]:
    with after_commit():
        answer = api.post(
            "/api/v1/photos",
            {"file": [SimpleUploadedFile(name, data) for name, data in files.items()]},
        )
    assert answer.status_code == 201, answer.content
    return {item["filename"]: item["id"] for item in answer.json()["items"]}


def test_look_alikes_are_grouped_with_the_best_first(api, after_commit):
    ids = upload(
        api, after_commit, {**look_alikes(1), "other.jpg": images.jpeg_of(images.scene(2))}
    )

    answer = api.get("/api/v1/duplicates")

    assert answer.status_code == 200
    (group,) = answer.json()["groups"]
    assert group["best"] == ids["original.jpg"]
    names = [photo["filename"] for photo in group["photos"]]
    assert names[0] == "original.jpg" and sorted(names) == sorted(look_alikes(1))
    assert ids["other.jpg"] not in {photo["id"] for photo in group["photos"]}


def test_keeping_one_trashes_the_others_and_carries_albums_heart_and_words(api, after_commit):
    ids = upload(api, after_commit, look_alikes(3))
    album = api.post(
        "/api/v1/albums",
        {"title": "Beach", "ids": [ids["messenger.jpg"]]},
        content_type="application/json",
    ).json()["id"]
    Photo.objects.filter(pk=ids["small.jpg"]).update(favorite=True, description="Jeju, day 2")
    others = [ids[name] for name in ("messenger.jpg", "small.jpg", "cropped.jpg")]

    answer = api.post(
        "/api/v1/duplicates/resolve",
        {"keep": [ids["original.jpg"]], "trash": others},
        content_type="application/json",
    )

    assert answer.status_code == 200 and answer.json() == {"trashed": 3}
    kept = Photo.objects.get(pk=ids["original.jpg"])
    assert kept.favorite and kept.description == "Jeju, day 2" and not kept.in_trash
    assert Photo.objects.filter(pk__in=others, deleted_at__isnull=False).count() == 3
    assert AlbumPhoto.objects.filter(album_id=album, photo=kept).exists()
    assert api.get("/api/v1/duplicates").json()["groups"] == []


def test_a_clean_up_that_keeps_nothing_or_names_another_users_photo_changes_nothing(
    api, after_commit, other_user, make_photo
):
    ids = upload(api, after_commit, look_alikes(4))
    theirs, _ = make_photo("theirs.jpg", owner=other_user)
    mine = list(ids.values())

    for body, status in [
        ({"keep": [mine[0]], "trash": [mine[0]]}, 400),
        ({"keep": [], "trash": mine[1:]}, 400),
        ({"keep": [mine[0]], "trash": [str(theirs.pk)]}, 404),
        ({"keep": [str(theirs.pk)], "trash": mine[1:]}, 404),
    ]:
        answer = api.post("/api/v1/duplicates/resolve", body, content_type="application/json")
        assert answer.status_code == status, (body, answer.content)
    assert Photo.objects.filter(deleted_at__isnull=False).count() == 0
    assert api.get("/api/v1/duplicates?cursor=nope").status_code == 400


def test_the_page_keeps_the_chosen_one_with_undo(client, api, after_commit):
    ids = upload(api, after_commit, look_alikes(5))

    page = client.get("/duplicates/").content.decode()
    assert "4 look-alikes" in page and "Best" in page

    answer = client.post("/duplicates/keep", {"ids": list(ids.values()), "keep": ids["small.jpg"]})
    assert answer.status_code == 302
    assert Photo.objects.visible().get().pk == Photo.objects.get(pk=ids["small.jpg"]).pk
    undone = client.post("/photos/undo-delete", {"next": "/duplicates/"})
    assert undone.status_code == 302 and undone["Location"] == "/duplicates/"
    assert Photo.objects.visible().count() == 4
    elsewhere = client.post("/photos/undo-delete", {"next": "https://example.com/"})
    assert elsewhere["Location"] == "/"  # never off the site


def test_the_banded_lookup_finds_what_comparing_every_pair_finds():
    rng = np.random.default_rng(7)
    hashes = rng.integers(-(2**63), 2**63 - 1, size=20_000, dtype=np.int64)
    near = []
    for distance in range(9):
        for _ in range(40):
            value = int(rng.choice(hashes)) & (2**64 - 1)
            for bit in rng.choice(64, size=distance, replace=False):
                value ^= 1 << int(bit)
            near.append(value - 2**64 if value >= 2**63 else value)
    hashes = np.concatenate([hashes, np.array(near, dtype=np.int64), hashes[:3]])  # and twins

    banded = {tuple(pair) for pair in looks.similar_pairs(hashes).tolist()}
    every = {tuple(pair) for pair in looks.all_pairs(hashes).tolist()}

    assert banded <= every  # nothing farther than 8 bits
    close = {pair for pair in every if looks.distance(*(int(hashes[i]) for i in pair)) <= 3}
    assert close <= banded  # within 3 bits, a band is always equal
    assert len(banded) >= 0.9 * len(every) and len(every) >= 360


def test_derivatives_missing_hashes_photos_made_before_hashes_were(api, after_commit):
    ids = upload(api, after_commit, look_alikes(6))
    Photo.objects.update(perceptual_hash=None)  # as a library from before this release
    assert api.get("/api/v1/duplicates").json()["groups"] == []

    call_command("derivatives", "--missing")

    assert not Photo.objects.filter(perceptual_hash__isnull=True).exists()
    (group,) = api.get("/api/v1/duplicates").json()["groups"]
    assert {photo["id"] for photo in group["photos"]} == set(ids.values())
