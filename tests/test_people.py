"""People: faces found in real photographs by the job, grouped, named, merged, moved out,
hidden; found again after a turn, never twice; the command for old libraries."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import faces
import images
import numpy as np
import passes
import pytest
from django.core.management import call_command

from myphoto.common.media.faces import DESCRIPTOR_TYPE, as_bytes
from myphoto.photos import selectors
from myphoto.photos.models import Face, Person, Photo
from myphoto.photos.services import faces as face_service
from myphoto.photos.services import people
from myphoto.photos.services.accounts import user_delete
from myphoto.photos.services.edit_values import Edit
from myphoto.photos.services.edits import photo_edit
from myphoto.photos.services.trash import photos_trash, trash_purge


def test_a_real_face_is_found_grouped_and_shown_once_seen_twice(
    faces_on, make_photo, user, photo_storage
):
    first, _ = make_photo("collins.jpg", data=faces.astronaut())
    (face,) = Face.objects.filter(photo=first)
    # Where her face is in the photograph (512 × 512), as fractions of it.
    left, top, right, bottom = (edge / 512 for edge in faces.FACE)
    assert face.left == pytest.approx(left, abs=0.03) and face.right == pytest.approx(
        right, abs=0.03
    )
    assert face.top == pytest.approx(top, abs=0.03) and face.bottom == pytest.approx(
        bottom, abs=0.03
    )
    assert len(bytes(face.descriptor)) == 512
    assert Photo.objects.get(pk=first.pk).faces_of == first.preview_key
    # Seen once: a person already, not on the People page yet.
    assert face.person is not None
    assert selectors.people_for_user(user=user) == []

    second, _ = make_photo("collins again.jpg", data=faces.astronaut(1))
    (again,) = Face.objects.filter(photo=second)
    assert again.person_id == face.person_id
    (shown,) = selectors.people_for_user(user=user)
    assert (shown.person.pk, shown.face_count, shown.photo_count) == (face.person_id, 2, 2)
    # Its picture: her face cut square from the md thumbnail.
    crop = images.decoded(face_service.face_crop(Face.objects.get(pk=shown.cover)))
    assert crop.size == (192, 192)


@passes.computing_once
def test_a_class_photo_of_sixty_faces_and_a_photo_of_none(faces_on, make_photo, user):
    crowd, _ = make_photo("class of 2024.jpg", data=faces.class_photo(60))
    found = Face.objects.filter(photo=crowd)
    assert found.count() == 60
    # One face a person a photo: sixty faces are never fewer people in one photo.
    assert found.values("person").distinct().count() == 60

    landscape, _ = make_photo("hills.jpg", data=images.jpeg(800, 600, seed=3))
    assert not Face.objects.filter(photo=landscape).exists()
    assert Photo.objects.get(pk=landscape.pk).faces_of  # looked at: not waiting any more
    assert not face_service.photos_missing_faces().filter(pk=landscape.pk).exists()


def test_a_job_killed_while_recording_leaves_nothing_and_the_next_finds_each_face_once(
    make_photo, user, monkeypatch, settings
):
    photo, _ = make_photo("collins.jpg", data=faces.astronaut())  # faces off: not looked at
    assert face_service.photos_missing_faces().filter(pk=photo.pk).exists()
    settings.MYPHOTO_FACES = True

    def killed(**kwargs):
        raise SystemExit("killed")  # the faces were written, their people not yet

    monkeypatch.setattr(face_service, "people_join", killed)
    with pytest.raises(SystemExit):
        face_service.photo_find_faces(photo_id=photo.pk)
    assert not Face.objects.filter(photo=photo).exists()
    assert face_service.photos_missing_faces().filter(pk=photo.pk).exists()

    monkeypatch.undo()
    settings.MYPHOTO_FACES = True
    assert face_service.photo_find_faces(photo_id=photo.pk)
    assert not face_service.photo_find_faces(photo_id=photo.pk)  # done: nothing to do
    assert Face.objects.filter(photo=photo).count() == 1
    assert Person.objects.filter(owner=user).count() == 1


def test_faces_are_found_again_after_a_turn_in_place_of_the_old_ones(
    faces_on, make_photo, user, after_commit
):
    # A scan put in sideways: nobody's face is found in it until it is turned upright.
    photo, _ = make_photo("collins sideways.jpg", data=faces.astronaut(sideways=True))
    assert not Face.objects.filter(photo=photo).exists()
    with after_commit():
        photo_edit(owner=user, photo_id=photo.pk, edit=Edit(rotate=90))
    photo.refresh_from_db()
    (face,) = Face.objects.filter(photo=photo)
    assert photo.faces_of == photo.preview_key
    assert face.left == pytest.approx(faces.FACE[0] / 512, abs=0.03)
    with after_commit():
        photo_edit(owner=user, photo_id=photo.pk, edit=Edit(rotate=-90))
    assert not Face.objects.filter(photo=photo).exists()  # the old face went with the turn


def test_the_command_finds_the_faces_of_an_old_library_with_a_bar(make_photo, user, settings):
    photos = [make_photo(f"old {n}.jpg", data=faces.astronaut(n))[0] for n in range(3)]
    assert not Face.objects.exists()
    settings.MYPHOTO_FACES = True
    call_command("faces", "--missing", "--jobs", "2")
    assert sorted(Face.objects.values_list("photo", flat=True)) == sorted(p.pk for p in photos)
    assert Person.objects.filter(owner=user).count() == 1
    call_command("faces", "--missing")  # nothing left: nothing done twice
    assert Face.objects.count() == 3


def test_naming_hiding_merging_and_moving_a_face_out(user, make_photo):
    taken = [_placed(user, make_photo, n, seed) for n, seed in enumerate((1, 1, 2, 2))]
    mum, dad = (taken[0].person, taken[2].person)
    assert mum != dad and taken[1].person == mum and taken[3].person == dad

    people.person_edit(owner=user, person_id=mum.pk, name="  엄마 \n ")
    mum.refresh_from_db()
    assert mum.name == "엄마"
    with pytest.raises(people.InvalidPerson):
        people.person_edit(owner=user, person_id=mum.pk, name="x" * 10_000)
    with pytest.raises(people.InvalidPerson):
        people.people_merge(owner=user, into_id=mum.pk, person_ids=[mum.pk])

    kept = people.people_merge(owner=user, into_id=dad.pk, person_ids=[mum.pk])
    assert kept.name == "엄마"  # the name goes with the merge where the other had none
    assert not Person.objects.filter(pk=mum.pk).exists()
    assert Face.objects.filter(person=dad).count() == 4

    apart = people.face_move_out(owner=user, face_id=taken[0].pk)
    assert Face.objects.get(pk=taken[0].pk).person == apart != dad
    assert Face.objects.filter(person=dad).count() == 3

    people.person_edit(owner=user, person_id=dad.pk, hidden=True)
    assert [view.person for view in selectors.people_for_user(user=user, hidden=True)] == [dad]
    assert selectors.people_for_user(user=user) == []

    # Grouping again keeps the names, and the faces put somewhere by hand stay there.
    people.people_regroup(owner=user)
    assert Face.objects.get(pk=taken[0].pk).person == apart
    assert Person.objects.get(pk=dad.pk).name == "엄마"


def test_a_person_in_trashed_photos_only_is_not_counted(user, make_photo):
    taken = [_placed(user, make_photo, n, seed=5) for n in range(2)]
    person = taken[0].person
    assert [view.photo_count for view in selectors.people_for_user(user=user)] == [2]
    photos_trash(owner=user, photo_ids=[taken[0].photo_id])
    assert selectors.people_for_user(user=user) == []  # one photo left, no name
    people.person_edit(owner=user, person_id=person.pk, name="Ji-woo")
    assert [view.photo_count for view in selectors.people_for_user(user=user)] == [1]


def _placed(user, make_photo, n: int, seed: int) -> Face:
    """A photo with one face of someone (`seed`), recorded as the job records faces."""
    photo, _ = make_photo(f"face {n}.jpg", owner=user)
    vector = np.random.default_rng(seed).normal(0, 0.1, 128).astype(DESCRIPTOR_TYPE)
    vector += np.random.default_rng(100 + n).normal(0, 0.01, 128).astype(DESCRIPTOR_TYPE)
    found = face_service.FoundFace(box=(0.2, 0.2, 0.4, 0.5), descriptor=as_bytes(vector), score=1)
    face_service.photo_record_faces(photo=photo, preview_key=photo.preview_key, found=[found])
    return Face.objects.select_related("person").get(photo=photo)


def test_people_go_with_their_photos_and_their_account(user, make_photo, other_user):
    taken = [_placed(user, make_photo, n, seed=7) for n in range(2)]
    theirs = _placed(other_user, make_photo, 9, seed=7)
    photos_trash(owner=user, photo_ids=[taken[0].photo_id])
    trash_purge(owner=user)
    assert not Face.objects.filter(pk=taken[0].pk).exists()
    person = Person.objects.get(pk=taken[1].person_id)
    shown = selectors.person_view(user=user, person_id=person.pk)
    assert shown.cover == taken[1].pk  # another of theirs, their cover's photo gone

    user_delete(user=user)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Face.objects.filter(owner_id=taken[1].owner_id).exists()
    # The same face in someone else's library is theirs: never joined to anyone of alice's.
    assert Face.objects.get(pk=theirs.pk).person.owner == other_user


@passes.once
def test_a_finding_killed_mid_photo_resumes_without_a_face_twice(tmp_path):
    """`myphoto faces --missing` killed (SIGKILL) while it works, then run again: every
    photo's faces once, the class photo's sixty included."""
    env = {
        **os.environ,
        "MYPHOTO_DATA_DIR": str(tmp_path / "data"),
        "MYPHOTO_FACES": "0",  # the uploads' jobs leave the faces to the command
        "MYPHOTO_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    for n in range(4):
        (tmp_path / f"collins {n}.jpg").write_bytes(faces.astronaut(n))
    (tmp_path / "class.jpg").write_bytes(faces.class_photo(24))
    # Migrated and uploaded in one process: each start of Django costs seconds.
    setup = f"""
from pathlib import Path
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from myphoto.photos.models import User
from myphoto.photos.services.derivatives import photo_make_derivatives
from myphoto.photos.services.upload import photo_upload
call_command("migrate", verbosity=0)
owner = User.objects.create_user("kim")
for path in sorted(Path({str(tmp_path)!r}).glob("*.jpg")):
    photo = photo_upload(owner=owner, file=SimpleUploadedFile(path.name, path.read_bytes())).photo
    photo_make_derivatives(photo_id=photo.pk)
"""
    myphoto = [sys.executable, "-m", "myphoto"]
    made = subprocess.run([*myphoto, "shell", "-c", setup], env=env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    database = sqlite3.connect(tmp_path / "data" / "myphoto.sqlite3", timeout=30)

    def recorded() -> int:
        return database.execute(
            "SELECT count(*) FROM photos_photo WHERE faces_of != ''"
        ).fetchone()[0]

    finding = subprocess.Popen(
        [*myphoto, "faces", "--missing", "--jobs", "1"], env=env, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while recorded() == 0:
        assert finding.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(finding.pid, signal.SIGKILL)  # the command and its finder, mid-way
    finding.wait()
    assert recorded() < 5

    again = subprocess.run(
        [*myphoto, "faces", "--missing"], env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert recorded() == 5
    per_photo = database.execute(
        "SELECT p.original_name, count(f.id), count(DISTINCT f.left || ',' || f.top)"
        " FROM photos_photo p LEFT JOIN photos_face f ON f.photo_id = p.id"
        " GROUP BY p.original_name ORDER BY p.original_name"
    ).fetchall()
    assert per_photo == [("class.jpg", 24, 24)] + [(f"collins {n}.jpg", 1, 1) for n in range(4)]


def test_the_centres_a_worker_keeps_are_read_again_after_any_other_change(
    user, make_photo, after_commit
):
    with after_commit():
        mum = _placed(user, make_photo, 1, seed=1)
        dad = _placed(user, make_photo, 2, seed=2)
    kept = people._kept[user.pk]
    user.refresh_from_db()
    assert kept.version == user.people_version
    assert set(kept.ids) == {mum.person_id, dad.person_id}

    # Merged in the web server's process: dad's person is gone.
    people.people_merge(owner=user, into_id=mum.person_id, person_ids=[dad.person_id])
    with after_commit():
        again = _placed(user, make_photo, 3, seed=2)
    assert Person.objects.filter(pk=again.person_id).exists()
    assert dad.person_id not in people._kept[user.pk].ids
    user.refresh_from_db()
    assert people._kept[user.pk].version == user.people_version != kept.version
