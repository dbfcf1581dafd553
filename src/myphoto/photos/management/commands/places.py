from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from myphoto.photos.selectors import photos_to_locate
from myphoto.photos.services.places import photos_locate


class Command(BaseCommand):
    help = (
        "Name the places of photos with GPS (city, state, country), offline, with a progress "
        "bar: --missing for those without one (photos uploaded before places were named), "
        "--all to name every one again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--missing", action="store_true", help="only photos without a place")
        which.add_argument("--all", action="store_true", help="every photo with GPS")

    def handle(self, *args: Any, **options: Any) -> None:
        if not (options["missing"] or options["all"]):
            raise CommandError("Say which photos: --missing or --all.")
        photos = photos_to_locate(missing_only=options["missing"])
        total = photos.count()
        with Progress(disable=not total) as progress:
            bar = progress.add_task("Naming places", total=total)
            located = photos_locate(photos, advance=lambda done: progress.advance(bar, done))
        far = located.looked_up - located.placed
        self.stdout.write(
            f"Looked up {located.looked_up} photos with GPS: {located.placed} named, "
            f"{far} too far from any town to name."
        )
