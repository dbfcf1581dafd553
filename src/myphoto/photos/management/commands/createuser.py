import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from myphoto.photos.services.accounts import user_create


class Command(BaseCommand):
    help = "Create a user who can log in and keep photos."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", help="the password (asked for when not given)")
        parser.add_argument(
            "--staff", action="store_true", help="may see the Library health page (fsck reports)"
        )
        parser.add_argument("--email", default="", help="what single sign-on knows them by")
        parser.add_argument(
            "--sso-only",
            action="store_true",
            help="no password: they sign in with single sign-on only (needs --email)",
        )

    def handle(
        self,
        *args: Any,
        username: str,
        password: str | None,
        staff: bool,
        email: str,
        sso_only: bool,
        **options: Any,
    ) -> None:
        if sso_only:
            if not email or password is not None:
                raise CommandError("--sso-only needs --email, and no --password.")
        elif password is None:
            if not self.stdin_is_tty():
                raise CommandError("No --password given and no terminal to ask for one.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            user = user_create(username=username, password=password, staff=staff, email=email)
        except ValidationError as err:
            raise CommandError(" ".join(err.messages)) from err
        except ValueError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(self.style.SUCCESS(f"Created user {user.username}."))

    @staticmethod
    def stdin_is_tty() -> bool:
        import sys

        return sys.stdin.isatty()
