"""Faces (issue 32, part 3): how fast the job finds them, and how well it groups them.

    make bench-faces        # or: .venv/bin/python bench/faces.py --dlib D --face-recognition F

Needs two public repositories checked out (`git clone`): dlib's (Boost licence) and Adam
Geitgey's face_recognition (MIT), for their example photographs; nothing of them is copied
into this repository. And the `face_recognition` package itself, the anchor, installed
without its dependencies (they would build dlib from source; `dlib-bin` is dlib).

Speed: the photographs with faces of both repositories (group photos of Pascal VOC, a
room of 24 bald men, portraits), each made into its md derivative as an upload makes it
(the job reads that), then found by MyPhoto's finder in `--jobs` processes (what `myphoto
faces --missing` runs) against `face_recognition.face_locations` + `face_encodings` (its
defaults: the image enlarged once, one jitter) on the same images in one process, as a
script calling it runs. Photos a second each, the ratio, and the faces each found.

Grouping: the labelled faces (dlib's "johns", 5 people × 11 photos, and the portraits of
face_recognition's examples, 6 people, duplicates by content dropped) uploaded through the
service in a shuffled order into a fresh library (SQLite), each photo's faces found and
joined to people as the job does, then the library grouped again (`myphoto faces
--regroup`). Pairwise precision (of the pairs of faces put in one person, how many are of
one person) and recall (of the pairs of one person's faces, how many were put together),
over the faces found, for the incremental grouping and the regrouping; photos whose face
was not found are counted apart.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import random
import shutil
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "src"))

from _harness import print_table  # noqa: E402
from _library import django_in, library_environment  # noqa: E402

from myphoto.common.media.faces import find_faces_in  # noqa: E402

# face_recognition's examples: whose face each portrait is (one face a file).
PORTRAITS = {
    "examples/obama.jpg": "obama",
    "examples/obama2.jpg": "obama",
    "examples/obama-720p.jpg": "obama",
    "examples/knn_examples/test/obama1.jpg": "obama",
    "tests/test_images/obama3.jpg": "obama",
    "examples/biden.jpg": "biden",
    "examples/knn_examples/train/biden/biden2.jpg": "biden",
    "examples/alex-lacamoire.png": "alex lacamoire",
    "examples/knn_examples/train/alex_lacamoire/img1.jpg": "alex lacamoire",
    "examples/knn_examples/test/alex_lacamoire1.jpg": "alex lacamoire",
    "examples/knn_examples/train/kit_harington/john1.jpeg": "kit harington",
    "examples/knn_examples/train/kit_harington/john2.jpeg": "kit harington",
    "examples/knn_examples/test/johnsnow_test1.jpg": "kit harington",
    "examples/knn_examples/train/rose_leslie/img1.jpg": "rose leslie",
    "examples/knn_examples/train/rose_leslie/img2.jpg": "rose leslie",
    "examples/lin-manuel-miranda.png": "lin-manuel miranda",
}
# Photographs with faces for the speed: group photos, a crowd, portraits.
CROWDS = ["examples/faces/*.jpg"]
SPEED_PORTRAITS = ["examples/*.jpg", "examples/*.png", "examples/knn_examples/test/*.jpg"]


def labelled(dlib: Path, face_recognition: Path) -> list[tuple[str, bytes]]:
    """(whose, bytes) of each labelled photo, each content once."""
    found = [(path.parent.name.replace("_", " "), path.read_bytes())
             for path in sorted((dlib / "examples" / "johns").glob("*/*.jpg"))]  # fmt: skip
    found += [(who, (face_recognition / name).read_bytes()) for name, who in PORTRAITS.items()]
    seen: set[str] = set()
    kept = []
    for who, data in found:
        digest = hashlib.sha256(data).hexdigest()
        if digest not in seen:
            seen.add(digest)
            kept.append((who, data))
    return kept


def md_of(data: bytes) -> bytes:
    """The md derivative an upload of these bytes gets (WebP, 1,600 pixels at most)."""
    from myphoto.photos.media import make_derivatives

    made = make_derivatives(io.BytesIO(data), video=False)
    return next(d.webp for d in made if d.size == "md")


def speed(dlib: Path, face_recognition: Path, jobs: int) -> list[list[str]]:
    import face_recognition as anchor

    paths = [p for pattern in CROWDS for p in sorted(dlib.glob(pattern))]
    paths += [p for pattern in SPEED_PORTRAITS for p in sorted(face_recognition.glob(pattern))]
    derivatives = [md_of(path.read_bytes()) for path in paths]
    pixels = sum(_size(md)[0] * _size(md)[1] for md in derivatives) / len(derivatives)

    with ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) as pool:
        list(pool.map(find_faces_in, derivatives[:jobs]))  # the models loaded in each
        started = time.perf_counter()
        ours = list(pool.map(find_faces_in, derivatives))
        ours_seconds = time.perf_counter() - started
    started = time.perf_counter()
    alone = [find_faces_in(md) for md in derivatives]
    alone_seconds = time.perf_counter() - started

    def theirs(upsample: int) -> tuple[float, int]:
        started = time.perf_counter()
        faces = 0
        for md in derivatives:
            image = anchor.load_image_file(io.BytesIO(md))
            where = anchor.face_locations(image, number_of_times_to_upsample=upsample)
            faces += len(anchor.face_encodings(image, where))
        return time.perf_counter() - started, faces

    anchor_seconds, anchor_faces = theirs(1)
    same_seconds, same_faces = theirs(0)
    count = len(derivatives)

    def rate(seconds: float) -> str:
        return f"{count / seconds:.2f}"

    print(f"{count} photographs, md derivatives of {pixels / 1e6:.2f} MP on average")
    return [
        [f"MyPhoto's job, {jobs} processes", rate(ours_seconds), str(sum(map(len, ours))),
         f"{anchor_seconds / ours_seconds:.2f}×", "≥ 1.0×"],
        ["MyPhoto's finder, 1 process", rate(alone_seconds), str(sum(map(len, alone))),
         f"{anchor_seconds / alone_seconds:.2f}×", ""],
        ["face_recognition, its defaults (enlarged once)", rate(anchor_seconds),
         str(anchor_faces), "1.00×", "anchor"],
        ["face_recognition, not enlarged", rate(same_seconds), str(same_faces),
         f"{anchor_seconds / same_seconds:.2f}×", ""],
    ]  # fmt: skip


def _size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


def grouping(photos: list[tuple[str, bytes]], seed: int) -> dict[str, tuple[float, float, int]]:
    """Upload the labelled photos in a shuffled order through the service, find their faces
    as the job does, and score the people made, then regrouped."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from myphoto.photos.models import Face, User
    from myphoto.photos.services.derivatives import photo_make_derivatives
    from myphoto.photos.services.faces import photo_find_faces
    from myphoto.photos.services.people import people_regroup
    from myphoto.photos.services.upload import photo_upload

    owner = User.objects.create_user(f"faces{seed}")
    order = list(photos)
    random.Random(seed).shuffle(order)
    whose = {}
    for n, (who, data) in enumerate(order):
        photo = photo_upload(owner=owner, file=SimpleUploadedFile(f"{n}.jpg", data)).photo
        photo_make_derivatives(photo_id=photo.pk)
        photo_find_faces(photo_id=photo.pk)
        whose[photo.pk] = who
    scores = {"as the job joins them": _pairs(Face.objects.filter(owner=owner), whose)}
    people_regroup(owner=owner)
    scores["grouped again"] = _pairs(Face.objects.filter(owner=owner), whose)
    return scores


def joining(people: int, photos: int = 20) -> float:
    """Milliseconds to record one photo's face (the job's transaction: the owner's people
    locked, their centres compared, the nearest joined) in a library of `people` people
    already; the median of `photos`, one after another as the worker records them."""
    import numpy as np
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from myphoto.common.media.faces import FoundFace, as_bytes
    from myphoto.photos.models import Person, Photo, User
    from myphoto.photos.services.faces import photo_record_faces
    from myphoto.photos.services.upload import photo_upload

    owner = User.objects.create_user(f"crowd{people}")
    rng = np.random.default_rng(people)
    Person.objects.bulk_create(
        (Person(owner=owner, centre=as_bytes(rng.normal(0, 0.1, 128)), centre_of=3)
         for _ in range(people)),
        batch_size=2000,
    )  # fmt: skip
    times = []
    for n in range(photos):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (n, 2 * n, 3 * n)).save(out, "JPEG")
        photo = photo_upload(owner=owner, file=SimpleUploadedFile(f"{n}.jpg", out.getvalue())).photo
        Photo.objects.filter(pk=photo.pk).update(preview_key=f"md-{n}")
        face = FoundFace((0.1, 0.1, 0.3, 0.4), as_bytes(rng.normal(0, 0.1, 128)), 1.0)
        started = time.perf_counter()
        photo_record_faces(photo=photo, preview_key=f"md-{n}", found=[face])
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2] * 1000


def _pairs(faces, whose) -> tuple[float, float, int]:
    # A labelled photo has one face; a second find in it is not that person's.
    found = [(whose[photo], person) for photo, person in faces.values_list("photo", "person")]
    found_in = Counter(photo for photo in faces.values_list("photo", flat=True))
    together = apart_wrongly = wrongly_together = 0
    for (who_a, person_a), (who_b, person_b) in itertools.combinations(found, 2):
        same, put = who_a == who_b, person_a == person_b
        together += same and put
        apart_wrongly += same and not put
        wrongly_together += put and not same
    precision = together / ((together + wrongly_together) or 1)
    recall = together / ((together + apart_wrongly) or 1)
    return precision, recall, len(whose) - len(found_in)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dlib", type=Path, required=True, help="a checkout of davisking/dlib")
    parser.add_argument("--face-recognition", type=Path, required=True,
                        help="a checkout of ageitgey/face_recognition")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    env = library_environment("sqlite", 0, "faces")
    django_in(env)
    rows = speed(args.dlib, args.face_recognition, args.jobs)
    print_table(
        "Finding faces: photos a second (md derivatives, same photos, same run)",
        ["finder", "photos/s", "faces found", "÷ anchor's time", "target"],
        rows,
    )
    photos = labelled(args.dlib, args.face_recognition)
    people = len({who for who, _ in photos})
    try:
        results = [grouping(photos, seed) for seed in (1, 2, 3)]
    finally:
        shutil.rmtree(env["MYPHOTO_DATA_DIR"], ignore_errors=True)
        joined = {people: joining(people) for people in (100, 2_000, 20_000)}
    table = []
    for way in results[0]:
        precision = [result[way][0] for result in results]
        recall = [result[way][1] for result in results]
        missed = results[0][way][2]
        table.append([way, f"{min(precision):.3f}–{max(precision):.3f}",
                      f"{min(recall):.3f}–{max(recall):.3f}", str(missed),
                      "precision ≥ 0.95, recall ≥ 0.8"])  # fmt: skip
    print_table(
        f"Grouping {len(photos)} labelled photos of {people} people (3 shuffled orders)",
        ["people made", "pairwise precision", "pairwise recall", "photos no face found in",
         "target"],
        table,
    )  # fmt: skip
    print_table(
        "Recording one photo's face among the owner's people (SQLite, median of 20, ms)",
        ["people already", "ms a photo"],
        [[f"{people:,}", f"{ms:.1f}"] for people, ms in joined.items()],
    )


if __name__ == "__main__":
    main()
