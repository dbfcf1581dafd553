"""The `myphoto` command.

Client commands (login, upload, download, ls, rm, restore) talk to a server over
HTTP and need no Django. Everything else is a Django management command (serve,
createuser, token, import, worker, …), so `myphoto X` and `python -m django X`
read the same environment.
"""

from __future__ import annotations

import os
import sys

from myphoto.client.speech import gettext_noop

SERVER_COMMANDS = (
    ("serve", gettext_noop("apply migrations, then serve the web app and a job worker")),
    ("createuser", gettext_noop("add a user")),
    ("deleteuser", gettext_noop("delete a user and all their photos, files included")),
    ("token", gettext_noop("create, list or revoke API tokens")),
    ("import", gettext_noop("add a folder of photos to a user's library (copied in)")),
    ("library", gettext_noop("adopt a folder or S3 prefix in place: add, scan, list, remove")),
    ("worker", gettext_noop("run background jobs (thumbnails) and the daily library check")),
    ("fsck", gettext_noop("check the database against storage (--verify, --repair, --json)")),
    ("derivatives", gettext_noop("make missing thumbnails now")),
    ("faces", gettext_noop("find faces not found yet (--missing), or group people again")),
    ("purge_trash", gettext_noop("delete what has been in the trash too long")),
    ("recount", gettext_noop("count photos per month again (after a time zone change)")),
    ("backup", gettext_noop("back the database up into storage; list; restore NAME")),
)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    from myphoto.client.main import COMMANDS
    from myphoto.client.main import main as client_main

    if args and args[0] in COMMANDS:
        sys.exit(client_main(args))
    if not args or args[0] in {"-h", "--help"}:
        _print_help()
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myphoto.settings")
    sys.exit(_server_command(args))


def _server_command(args: list[str]) -> int:
    """A management command; a server that is not set up yet is one sentence, not a traceback."""
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(["myphoto", *args])
    except ImproperlyConfigured as error:
        sys.stderr.write(f"myphoto: {error}\n")
        return 2
    except DatabaseError as error:
        from django.conf import settings

        database = settings.DATABASES["default"]["NAME"]
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        sys.stderr.write(
            f"myphoto: the database ({database}) is not ready: {reason}.\n"
            "Run `myphoto migrate` (`myphoto serve` migrates first), with the same "
            "MYPHOTO_DATA_DIR or DATABASE_URL as the server.\n"
        )
        return 1
    return 0


def _print_help() -> None:
    from myphoto.client.main import build_parser
    from myphoto.client.speech import gettext

    build_parser().print_help()
    lines = ["", gettext("Server commands (run where the server runs; they read its environment):")]
    lines += [f"  {name:<13} {gettext(text)}" for name, text in SERVER_COMMANDS]
    lines += [gettext("Run `myphoto help COMMAND` for a server command's options."), ""]
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
