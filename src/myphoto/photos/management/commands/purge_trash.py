from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from myphoto.photos.services.direct_upload import direct_uploads_purge_stale
from myphoto.photos.services.multipart import multipart_uploads_purge_expired
from myphoto.photos.services.trash import trash_purge_expired


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
        stale = direct_uploads_purge_stale()
        if stale:
            self.stdout.write(f"Removed {stale} direct uploads that were never completed.")
        expired = multipart_uploads_purge_expired()
        if expired:
            self.stdout.write(f"Removed {expired} multipart uploads that were never completed.")
