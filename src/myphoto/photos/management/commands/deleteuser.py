import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from myphoto.photos.models import Photo, User
from myphoto.photos.services.accounts import user_delete
from myphoto.photos.storage import StorageUnavailable


class Command(BaseCommand):
    help = (
        "Delete a user and all their photos for good: the files in storage, then the "
        "rows. Asks first unless --yes is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--yes", action="store_true", help="do not ask (for scripts)")

    def handle(self, *args: Any, username: str, yes: bool, **options: Any) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        count = Photo.objects.filter(owner=user).count()
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("Not asking without a terminal: add --yes to delete.")
            answer = input(
                f"Delete {username} and their {count} photos for good? "
                f"Type the user name to confirm: "
            )
            if answer.strip() != username:
                raise CommandError("Nothing was deleted.")
        try:
            purged = user_delete(user=user)
        except StorageUnavailable as err:
            raise CommandError(
                f"Photo storage is unavailable ({err}); {username} is kept with the photos "
                "not yet deleted. Run the same command again once it is back."
            ) from err
        self.stdout.write(f"Deleted {username} and {purged} photos.")
