from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from myphoto.photos.services.trash import trash_purge_expired
from myphoto.photos.services.unfinished import unfinished_uploads_purge


class Command(BaseCommand):
    help = (
        "Delete for good the photos that have been in the trash longer than "
        "MYPHOTO_TRASH_DAYS, and direct and multipart uploads that were never completed "
        "(after MYPHOTO_MULTIPART_UPLOAD_DAYS). Run it daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        purged = trash_purge_expired()
        self.stdout.write(
            f"Purged {purged} photos older than {settings.MYPHOTO_TRASH_DAYS} days from the trash."
        )
        removed = unfinished_uploads_purge()
        if removed["direct"]:
            self.stdout.write(
                f"Removed {removed['direct']} direct uploads that were never completed."
            )
        if multipart := removed["multipart"] + removed["leftover"]:
            self.stdout.write(f"Removed {multipart} multipart uploads that were never completed.")
