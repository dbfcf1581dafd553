"""The `myphoto` command.

Server-side commands (serve, createuser, token, ...) are Django management
commands, so `myphoto X` and `python -m django X` read the same environment.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "myphoto.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["myphoto", *args])


if __name__ == "__main__":
    main()
