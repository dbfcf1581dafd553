from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from myphoto.photos.models import Photo
from myphoto.photos.selectors import photos_missing_derivatives, photos_missing_looks
from myphoto.photos.services.derivatives import (
    photo_hash_looks,
    photo_make_derivatives_or_record_failure,
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
        made = 0
        with Progress(disable=not ids) as progress:
            bar = progress.add_task("Making thumbnails and playback copies", total=len(ids))
            for photo_id in ids:
                try:
                    made += photo_make_derivatives_or_record_failure(photo_id=photo_id)
                except StorageUnavailable as err:
                    raise CommandError(f"Storage is unavailable: {err}. Run again later.") from err
                progress.advance(bar)
        failed = Photo.objects.filter(pk__in=ids).exclude(derivatives_error="").count()
        self.stdout.write(
            f"Made thumbnails (and playback copies) for {made} photos and videos; "
            f"{failed} could not be made."
        )
        unhashed = list(photos_missing_looks().values_list("pk", flat=True))
        hashed = 0
        with Progress(disable=not unhashed) as progress:
            bar = progress.add_task("Hashing looks for Duplicates", total=len(unhashed))
            for photo_id in unhashed:
                try:
                    hashed += photo_hash_looks(photo_id=photo_id)
                except StorageUnavailable as err:
                    raise CommandError(f"Storage is unavailable: {err}. Run again later.") from err
                progress.advance(bar)
        if unhashed:
            self.stdout.write(f"Hashed the looks of {hashed} photos and videos made before.")
