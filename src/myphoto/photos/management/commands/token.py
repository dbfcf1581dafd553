from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from myphoto.photos.models import ApiToken, User
from myphoto.photos.services.tokens import token_create, token_revoke


class Command(BaseCommand):
    help = "Create, list or revoke API tokens (Authorization: Bearer <token>)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("username")
        create.add_argument("--name", default="cli", help="a label to tell tokens apart")
        listing = sub.add_parser("list", help="list a user's tokens")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("username")
        revoke.add_argument("token_id")

    def handle(self, *args: Any, action: str, username: str, **options: Any) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        if action == "create":
            _token, raw = token_create(user=user, name=options["name"])
            self.stdout.write(raw)
            self.stderr.write("Keep this token now: it will not be shown again.")
        elif action == "list":
            for token in ApiToken.objects.filter(user=user).order_by("created_at"):
                used = token.last_used_at.isoformat() if token.last_used_at else "never"
                self.stdout.write(f"{token.pk}  {token.prefix}…  {token.name}  last used {used}")
        else:
            try:
                revoked = token_revoke(user=user, token_id=options["token_id"])
            except ValueError:
                revoked = False
            if not revoked:
                raise CommandError(f"{username} has no token {options['token_id']}.")
            self.stdout.write("Revoked.")
