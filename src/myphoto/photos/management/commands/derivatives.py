from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from myphoto.photos.models import Photo
from myphoto.photos.selectors import photos_missing_derivatives, photos_missing_looks
from myphoto.photos.services.derivatives import photo_hash_looks
from myphoto.photos.services.derivatives import (
    photo_make_derivatives_or_record_failure as make_derivatives,
)
from myphoto.photos.storage import StorageUnavailable


class Command(BaseCommand):
    help = (
        "Make the thumbnails (sm, md), video posters and video playback copies that are "
        "missing, and the look-alike hashes of photos made before them, here and now, with "
        "progress bars."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--missing", action="store_true", required=True, help="make only what is missing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ids = list(photos_missing_derivatives().values_list("pk", flat=True))
        made = _each(ids, "Making thumbnails and playback copies", make_derivatives)
        failed = Photo.objects.filter(pk__in=ids).exclude(derivatives_error="").count()
        self.stdout.write(
            f"Made thumbnails (and playback copies) for {made} photos and videos; "
            f"{failed} could not be made."
        )
        unhashed = list(photos_missing_looks().values_list("pk", flat=True))
        hashed = _each(unhashed, "Hashing looks for Duplicates", photo_hash_looks)
        if unhashed:
            self.stdout.write(f"Hashed the looks of {hashed} photos and videos made before.")


def _each(ids: list[UUID], label: str, work: Callable[..., bool]) -> int:
    """`work(photo_id=...)` for each photo, with a progress bar; how many it did."""
    done = 0
    with Progress(disable=not ids) as progress:
        bar = progress.add_task(label, total=len(ids))
        for photo_id in ids:
            try:
                done += work(photo_id=photo_id)
            except StorageUnavailable as err:
                raise CommandError(f"Storage is unavailable: {err}. Run again later.") from err
            progress.advance(bar)
    return done
