from typing import Any

from django.core.management.base import BaseCommand
from rich.progress import Progress

from myphoto.photos.models import Photo, User
from myphoto.photos.services.counts import month_counts_rebuild
from myphoto.photos.services.search_terms import photos_terms_rewrite
from myphoto.photos.services.usage import images_sizes_measure, images_unmeasured_count


class Command(BaseCommand):
    help = (
        "Count every library's photos per month again, from the rows, and write their "
        "search terms (their months) again: after MYPHOTO_TIME_ZONE changed, or if the "
        "counts were ever wrong. Also measures the thumbnails made before their sizes were "
        "kept, for each person's usage."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        users = list(User.objects.order_by("pk"))
        for user in users:
            month_counts_rebuild(owner=user)
        total = Photo.objects.count()
        with Progress(disable=not total) as progress:
            bar = progress.add_task("Search terms", total=total)
            photos_terms_rewrite(advance=lambda done: progress.advance(bar, done))
        unmeasured = images_unmeasured_count()
        with Progress(disable=not unmeasured) as progress:
            bar = progress.add_task("Thumbnail sizes", total=unmeasured)
            measured = images_sizes_measure(advance=lambda done: progress.advance(bar, done))
        self.stdout.write(
            f"Counted the photos of {len(users)} users again, and wrote the search terms "
            f"of {total} photos again; measured the thumbnails of {measured}."
        )
