"""`myphoto login|logout|upload|download|ls|rm|restore|import-google|import-icloud`: the
client side of the command.

Exit status: 0 done, 1 some files failed or the server refused, 2 usage or not
logged in, 3 bad token, 4 server unreachable, 5 disk full, 130 stopped by Ctrl-C.
"""

from __future__ import annotations

import argparse
import getpass
import json
import socket
import sys
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from . import config, download, upload
from .http import ApiError, ClientError, Server
from .ids import ids_shortened, resolve_ids
from .imports import command as imports
from .progress import Report
from .speech import album_added, failed, gettext, ngettext, stopped

COMMANDS = (
    "login",
    "logout",
    "upload",
    "download",
    "ls",
    "rm",
    "restore",
    "import-google",
    "import-icloud",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="myphoto", description=gettext("Talk to a MyPhoto server.")
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    login = sub.add_parser("login", help=gettext("log in to a server and keep a token for it"))
    login.add_argument("url", help=gettext("the server, e.g. https://photos.example.org"))
    login.add_argument(
        "--token", help=gettext("a token from the Settings page (else asks name/password)")
    )
    login.add_argument("--username", help=gettext("your user name (asked when not given)"))

    sub.add_parser("logout", help=gettext("forget the saved server and token"))

    upload_command = sub.add_parser("upload", help=gettext("upload photos and folders of photos"))
    upload_command.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    upload_command.add_argument(
        "-j", "--jobs", type=int, default=4, help=gettext("files at once (default 4)")
    )
    upload_command.add_argument(
        "--album",
        metavar="TITLE",
        help=gettext("put the photos (also those already there) in this album, made if need be"),
    )

    download_command = sub.add_parser(
        "download", help=gettext("mirror the library into DEST/YYYY/MM/")
    )
    download_command.add_argument("dest", type=Path, metavar="DEST")
    download_command.add_argument(
        "--since", type=_date, help=gettext("only photos taken on or after DATE")
    )
    download_command.add_argument(
        "--album", metavar="TITLE", help=gettext("only this album's photos")
    )
    download_command.add_argument(
        "-j", "--jobs", type=int, default=4, help=gettext("files at once (default 4)")
    )

    ls = sub.add_parser("ls", help=gettext("list photos, newest first"))
    ls.add_argument("--limit", type=int, default=50, help=gettext("how many (0: all; default 50)"))
    ls.add_argument("--json", action="store_true", help=gettext("one JSON array, for scripts"))
    ls.add_argument(
        "--short",
        action="store_true",
        help=gettext("ids cut to the shortest prefix that tells them apart"),
    )

    for name, text in (
        ("rm", gettext("move photos to the trash")),
        ("restore", gettext("bring photos back")),
    ):
        command = sub.add_parser(name, help=text)
        command.add_argument(
            "ids", nargs="+", metavar="ID", help=gettext("a photo's id, or its first characters")
        )
        command.add_argument(
            "--json", action="store_true", help=gettext("print the result as JSON")
        )
    imports.add_parsers(sub)
    return parser


def _date(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            gettext("“%(text)s” is not a date like 2024-05-01") % {"text": text}
        ) from None


def _server(connections: int = 8) -> Server:
    credentials = config.load()
    return Server(credentials.url, credentials.token, connections=connections)


def _login(args: argparse.Namespace, out: Console) -> int:
    url = args.url.rstrip("/")
    if "://" not in url:
        url = "https://" + url
    token = args.token
    if not token:
        username = args.username or input(gettext("User name: "))
        password = getpass.getpass(gettext("Password: "))
        token = _token_from_password(url, username, password)
    with Server(url, token) as server:
        server.check()
    path = config.save(config.Credentials(url, token))
    out.print(
        gettext("Logged in to %(url)s; the token is kept in %(path)s.") % {"url": url, "path": path}
    )
    return 0


def _token_from_password(url: str, username: str, password: str) -> str:
    """Log in like the browser does, then create a token for this machine."""
    with Server(url) as server:
        if not server.session_login(username, password):
            raise ClientError(gettext("The user name or password is wrong."))
        created = server.json(
            "POST",
            "/tokens",
            json={"name": f"myphoto CLI on {socket.gethostname()}"},
            headers={"X-CSRFToken": server.csrf_token(), "Referer": url},
        )
        return str(created["token"])


def _emit(text: str) -> None:
    """Machine-readable output: plain stdout, no colours or wrapping."""
    sys.stdout.write(text + "\n")


def _summary(report: Report, out: Console, *, uploaded: bool) -> int:
    table = Table(show_header=False, box=None)
    table.add_row(gettext("uploaded") if uploaded else gettext("downloaded"), str(len(report.done)))
    table.add_row(gettext("already there"), str(len(report.already)))
    if report.skipped:
        table.add_row(gettext("not photos or videos (skipped)"), str(len(report.skipped)))
    table.add_row(gettext("failed"), str(len(report.failed)))
    if uploaded:
        # What went over the network: a resumed file's parts sent before are not in it.
        table.add_row(gettext("sent"), f"{report.bytes_sent / 1_000_000:.1f} MB")
    out.print(table)
    for path in report.skipped:
        skipped = gettext("skipped %(path)s: not a photo or video") % {"path": path}
        out.print(f"  {skipped}", soft_wrap=True, highlight=False, markup=False)
    for path, reason in report.failed:
        out.print(
            f"  {failed(path, reason)}", soft_wrap=True, highlight=False, markup=False, style="red"
        )
    if report.interrupted:
        out.print(stopped())
        return 130
    return 1 if report.failed else 0


def _ls(args: argparse.Namespace, out: Console) -> int:
    with _server() as server:
        photos = []
        for photo in server.photos():
            photos.append(photo)
            if args.limit and len(photos) >= args.limit:
                break
    if args.json:
        _emit(json.dumps(photos, ensure_ascii=False, indent=1))
        return 0
    ids = [photo["id"] for photo in photos]
    shown = ids_shortened(ids) if args.short else ids
    # Whole ids, never cut by a narrow terminal: the name column gives way instead.
    table = Table(show_edge=False)
    table.add_column("id", no_wrap=True, min_width=max(map(len, shown), default=2))
    table.add_column(gettext("taken"), no_wrap=True)
    table.add_column(gettext("size"), justify="right", no_wrap=True)
    table.add_column(gettext("name"), overflow="fold")
    for short_id, photo in zip(shown, photos, strict=True):
        table.add_row(short_id, photo["taken_at"][:16], str(photo["size"]), photo["filename"])
    out.print(table)
    return 0


def _rm(args: argparse.Namespace, out: Console) -> int:
    with _server() as server:
        ids = resolve_ids(server, args.ids)
        answer = server.json("POST", "/photos/delete", json={"ids": ids})
    if args.json:
        _emit(json.dumps(answer))
    else:
        count = answer["deleted"]
        out.print(
            ngettext(
                "Moved %(count)d photo to the trash.", "Moved %(count)d photos to the trash.", count
            )
            % {"count": count}
        )
    return 0


def _restore(args: argparse.Namespace, out: Console) -> int:
    restored, refused = [], []
    with _server() as server:
        for photo_id in resolve_ids(server, args.ids, in_trash=True):
            try:
                restored.append(server.json("POST", f"/photos/{photo_id}/restore")["id"])
            except ApiError as err:
                refused.append({"id": photo_id, "detail": err.detail})
    if args.json:
        _emit(json.dumps({"restored": restored, "failed": refused}))
    else:
        count = len(restored)
        out.print(
            ngettext("Restored %(count)d photo.", "Restored %(count)d photos.", count)
            % {"count": count}
        )
        for failure in refused:
            out.print(f"  {failed(failure['id'], failure['detail'])}", soft_wrap=True)
    return 1 if refused else 0


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    out = Console()
    err = Console(stderr=True, soft_wrap=True)
    try:
        if args.command == "login":
            return _login(args, out)
        if args.command == "logout":
            out.print(gettext("Logged out.") if config.forget() else gettext("Not logged in."))
            return 0
        if args.command == "upload":
            with _server(args.jobs * 2) as server:
                server.check()
                # Made first: a title the server refuses stops the run before any upload.
                album = server.album_named(args.album, create=True) if args.album else None
                report = upload.upload(server, args.paths, jobs=args.jobs)
                if album is not None:
                    added = server.add_to_album(album, report.photo_ids)
                    out.print(album_added(args.album, added), highlight=False, markup=False)
            return _summary(report, out, uploaded=True)
        if args.command == "download":
            with _server(args.jobs * 2) as server:
                server.check()
                album = server.album_named(args.album) if args.album else None
                report = download.download(
                    server, args.dest, since=args.since, album_id=album, jobs=args.jobs
                )
            return _summary(report, out, uploaded=False)
        if args.command in imports.SERVICES:
            return imports.run(args, _server, out)
        return {"ls": _ls, "rm": _rm, "restore": _restore}[args.command](args, out)
    except config.NotLoggedIn as error:
        err.print(str(error), highlight=False)
        return 2
    except ClientError as error:
        err.print(f"myphoto: {error}", highlight=False)
        return error.exit_code
    except FileNotFoundError as error:
        err.print(f"myphoto: {error}", highlight=False)
        return 2
    except KeyboardInterrupt:
        err.print(gettext("Stopped."))
        return 130


def run() -> None:
    sys.exit(main(sys.argv[1:]))
