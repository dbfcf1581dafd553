from __future__ import annotations

import multiprocessing
import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from myphoto.common.media.faces import FoundFace, find_faces_in
from myphoto.photos.models import Photo, User
from myphoto.photos.services.faces import (
    photo_faces_to_find,
    photo_record_faces,
    photos_missing_faces,
)
from myphoto.photos.services.people import people_regroup
from myphoto.photos.storage import StorageUnavailable


class Command(BaseCommand):
    help = (
        "Find the faces in the photos whose faces are not found yet (a library from before "
        "People, or with MYPHOTO_FACES=0), with a progress bar; or group every face of a "
        "library into people again (names and faces placed by hand are kept)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--missing", action="store_true", help="find the faces not found yet")
        what.add_argument("--regroup", action="store_true", help="group the faces again")
        parser.add_argument(
            "--jobs",
            type=int,
            default=os.cpu_count() or 1,
            help="processes finding faces at once (default: one a core)",
        )
        parser.add_argument("--user", help="only this person's library (--regroup)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["jobs"] < 1:
            raise CommandError("--jobs is at least 1.")
        if options["regroup"]:
            self._regroup(options["user"])
            return
        ids = [str(pk) for pk in photos_missing_faces().order_by("pk").values_list("pk", flat=True)]
        try:
            found, faces = _find(ids, jobs=options["jobs"])
        except StorageUnavailable as err:
            raise CommandError(f"Storage is unavailable: {err}. Run again later.") from err
        self.stdout.write(f"Looked for faces in {found} photos and videos: {faces} faces found.")

    def _regroup(self, username: str | None) -> None:
        owners = User.objects.filter(faces__isnull=False).distinct().order_by("username")
        if username is not None:
            owners = User.objects.filter(username=username)
            if not owners:
                raise CommandError(f"No account is called {username!r}.")
        for owner in owners:
            people = people_regroup(owner=owner)
            self.stdout.write(f"{owner.username}: {people} people.")


def _find(ids: list[str], *, jobs: int) -> tuple[int, int]:
    """Find the faces of these photos, `jobs` photos at a time in as many processes, each
    recorded as soon as it is found: a run stopped anywhere loses at most the photos in
    hand, found again next time. How many photos were recorded, with how many faces."""
    recorded = faces = 0
    with Progress(disable=not ids) as progress, _finder(jobs) as pool:
        bar = progress.add_task("Finding faces", total=len(ids))
        waiting: deque[tuple[Photo, str, Future[list[FoundFace]]]] = deque()
        upcoming = iter(ids)
        while True:
            while len(waiting) < 2 * jobs and (photo_id := next(upcoming, None)) is not None:
                to_find = photo_faces_to_find(photo_id)
                if to_find is None:
                    progress.advance(bar)
                    continue
                photo, data = to_find
                waiting.append((photo, photo.preview_key, pool.submit(find_faces_in, data)))
            if not waiting:
                return recorded, faces
            photo, preview_key, work = waiting.popleft()
            try:
                found = work.result()
            except (OSError, ValueError):
                found = []  # an md derivative Pillow cannot read: no faces in it
            if photo_record_faces(photo=photo, preview_key=preview_key, found=found):
                recorded, faces = recorded + 1, faces + len(found)
            progress.advance(bar)


def _finder(jobs: int) -> ProcessPoolExecutor:
    # Spawned, not forked: a forked child would hold this process's database connections'
    # sockets, which it must never use or close.
    return ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn"))
