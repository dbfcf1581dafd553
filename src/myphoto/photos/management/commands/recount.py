from typing import Any

from django.core.management.base import BaseCommand

from myphoto.photos.models import User
from myphoto.photos.services.counts import month_counts_rebuild


class Command(BaseCommand):
    help = (
        "Count every library's photos per month again, from the rows "
        "(after MYPHOTO_TIME_ZONE changed, or if the counts were ever wrong)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        users = list(User.objects.order_by("pk"))
        for user in users:
            month_counts_rebuild(owner=user)
        self.stdout.write(f"Counted the photos of {len(users)} users again.")
