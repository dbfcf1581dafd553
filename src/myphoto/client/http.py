"""Pooled connections to the server (httpx) and to object storage (urllib3), and errors
a person can act on."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import urllib3

from .files import CHUNK
from .speech import gettext, language

API = "/api/v1"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class ClientError(Exception):
    """A failure explained in one line; `exit_code` is what the command exits with."""

    exit_code = 1


class AuthError(ClientError):
    exit_code = 3


class Unreachable(ClientError):
    exit_code = 4


class TransientError(ClientError):
    """The connection broke in the middle of a request; trying again may work."""


class StorageRefused(ClientError):
    """Object storage refused a presigned URL (expired, say); the API can still serve it."""


@dataclass(frozen=True)
class Body:
    """A response's status and raw bytes, whichever HTTP stack fetched them."""

    status_code: int
    chunks: Iterator[bytes]


class ApiError(ClientError):
    """The server answered with an error status; `detail` is its sentence."""

    def __init__(self, status: int, detail: str, code: str = "") -> None:
        super().__init__(detail)
        self.status, self.detail, self.code = status, detail, code


def _detail(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
        return str(body.get("detail") or response.reason_phrase), str(body.get("code", ""))
    except (ValueError, AttributeError):
        return f"{response.status_code} {response.reason_phrase}", ""


class Server:
    """The MyPhoto server at `url`, reached with a bearer token."""

    def __init__(self, url: str, token: str = "", *, connections: int = 8) -> None:
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(
            base_url=self.url,
            # The server's sentences (an error's detail) in the command's language.
            headers={**headers, "User-Agent": "myphoto-cli", "Accept-Language": language()},
            timeout=TIMEOUT,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
            follow_redirects=True,
        )

        # Presigned storage URLs carry their own signature, so no token goes there.
        # urllib3, boto3's own HTTP stack: it reads a 3 MB photo into a file with
        # half the CPU of httpx (bench/README.md), and downloads are CPU-bound.
        self.storage = urllib3.PoolManager(
            maxsize=connections,
            timeout=urllib3.Timeout(connect=TIMEOUT.connect, read=TIMEOUT.read),
            retries=False,
        )

    def close(self) -> None:
        self.http.close()
        self.storage.clear()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request to the API; raise a ClientError unless it succeeds."""
        with self._translate_errors():
            response = self.http.request(method, API + path, **kwargs)
        self.raise_for_status(response)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.request(method, path, **kwargs).json()

    @contextlib.contextmanager
    def stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        with self._translate_errors(), self.http.stream(method, API + path, **kwargs) as response:
            if response.status_code >= 400:
                response.read()
                self.raise_for_status(response)
            yield response

    @contextlib.contextmanager
    def download(self, path: str, **kwargs: Any) -> Iterator[Body]:
        """GET an API path that answers with a file's bytes."""
        with self.stream("GET", path, **kwargs) as response:
            yield Body(response.status_code, response.iter_raw())

    @contextlib.contextmanager
    def download_from_storage(self, url: str, headers: dict[str, str]) -> Iterator[Body]:
        """GET a presigned object storage URL that the API handed out."""
        with self._translate_storage_errors(url):
            response = self.storage.request(
                "GET", url, headers=headers, preload_content=False, redirect=False
            )
            try:
                if response.status >= 400:
                    raise StorageRefused(_storage_refusal(response.status))
                yield Body(response.status, response.stream(CHUNK, decode_content=False))
            finally:
                if not response.closed:
                    response.close()  # bytes left unread (stopped, or failed): not reusable
                response.release_conn()

    def put_to_storage(self, url: str, body: bytes) -> None:
        """PUT a part of a big file to a URL the API handed out: presigned to the bucket,
        or the app's own (storage on disk)."""
        with self._translate_storage_errors(url):
            response = self.storage.request("PUT", url, body=body, redirect=False)
        if response.status >= 300:
            # An expired or refused URL, a storage hiccup: the next try asks for a new URL.
            raise TransientError(
                gettext("the storage answered %(status)d to a part") % {"status": response.status}
            )

    @contextlib.contextmanager
    def _translate_storage_errors(self, url: str) -> Iterator[None]:
        """urllib3's failures as errors a person can act on: an address that cannot be
        reached ends the run, a broken connection is tried again."""
        parsed = urllib3.util.parse_url(url)
        where = f"{parsed.scheme}://{parsed.netloc}"
        try:
            yield
        except (
            urllib3.exceptions.NewConnectionError,
            urllib3.exceptions.ConnectTimeoutError,
        ) as err:
            if where == self.url:
                raise Unreachable(
                    gettext("Cannot reach %(where)s (%(why)s): is the server running?")
                    % {"where": where, "why": _reason(err)}
                ) from err
            raise Unreachable(
                gettext(
                    "Cannot reach the storage at %(where)s (%(why)s): the server's "
                    "MYPHOTO_S3_PUBLIC_ENDPOINT_URL must be an address this machine can reach."
                )
                % {"where": where, "why": _reason(err)}
            ) from err
        except urllib3.exceptions.HTTPError as err:
            raise TransientError(
                gettext("the connection to storage broke (%(why)s)") % {"why": _reason(err)}
            ) from err

    def raise_for_status(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        if _origin(response.url) != _origin(httpx.URL(self.url)):
            # The API redirected to object storage (redirect mode), which refused.
            raise ApiError(response.status_code, _storage_refusal(response.status_code), "storage")
        detail, code = _detail(response)
        if response.status_code == 401:
            raise AuthError(
                gettext(
                    "The server refused the token (revoked or mistyped): "
                    "run `myphoto login %(url)s` again."
                )
                % {"url": self.url}
            )
        if response.status_code == 404 and not code:
            raise ClientError(
                gettext(
                    "%(url)s does not look like a MyPhoto server (%(path)s answered 404): "
                    "check the URL."
                )
                % {"url": self.url, "path": response.request.url.path}
            )
        raise ApiError(response.status_code, detail, code)

    @contextlib.contextmanager
    def _translate_errors(self, where: str = "") -> Iterator[None]:
        where = where or self.url
        try:
            yield
        except httpx.ConnectError as err:
            raise Unreachable(
                gettext(
                    "Cannot reach %(where)s (%(why)s): is the server running and the URL right?"
                )
                % {"where": where, "why": _reason(err)}
            ) from err
        except httpx.TimeoutException as err:
            raise Unreachable(
                gettext("%(where)s did not answer in time: try again later.") % {"where": where}
            ) from err
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as err:
            # Typically a kept-alive connection the other side had already closed.
            raise TransientError(
                gettext("the connection broke (%(why)s)") % {"why": _reason(err)}
            ) from err
        except httpx.HTTPError as err:
            raise ClientError(
                gettext("The connection to %(where)s failed: %(why)s")
                % {"where": where, "why": _reason(err)}
            ) from err

    def session_login(self, username: str, password: str) -> bool:
        """Log in through the login form, as a browser does; return whether it worked."""
        with self._translate_errors():
            self.http.get("/accounts/login/")
            answer = self.http.post(
                "/accounts/login/",
                data={
                    "username": username,
                    "password": password,
                    "csrfmiddlewaretoken": self.csrf_token(),
                },
                headers={"Referer": f"{self.url}/accounts/login/"},
                follow_redirects=False,
            )
        if answer.status_code == 429:
            raise ClientError(
                gettext(
                    "Too many failed logins for this account or from this address: "
                    "wait a while (15 minutes unless the server says otherwise), then try again."
                )
            )
        return answer.status_code == 302

    def csrf_token(self) -> str:
        return self.http.cookies.get("csrftoken") or ""

    def check(self) -> None:
        """Raise unless the URL is a MyPhoto server and the token is accepted."""
        self.request("GET", "/photos", params={"limit": 1})

    def album_named(self, title: str, *, create: bool = False) -> str:
        """The id of my album with this title (the newest, if several), made if asked."""
        for album in self.json("GET", "/albums")["items"]:
            if album["title"] == title and album["role"] == "owner":
                return str(album["id"])
        if not create:
            raise ClientError(gettext("You have no album called “%(title)s”.") % {"title": title})
        return str(self.json("POST", "/albums", json={"title": title})["id"])

    def add_to_album(self, album_id: str, photo_ids: list[str]) -> int:
        """Put the photos in the album, 10,000 a request; return how many were new there."""
        added = 0
        for start in range(0, len(photo_ids), 10_000):
            batch = photo_ids[start : start + 10_000]
            added += self.json("POST", f"/albums/{album_id}/photos", json={"ids": batch})["added"]
        return int(added)

    def photos(self, **params: Any) -> Iterator[dict[str, Any]]:
        """Every photo of the timeline, following the pages."""
        cursor = None
        while True:
            query = {"limit": 500, **params, "cursor": cursor}
            page = self.json(
                "GET", "/photos", params={k: v for k, v in query.items() if v is not None}
            )
            yield from page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                return


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


def _storage_refusal(status: int) -> str:
    if status == 404:
        return gettext(
            "The photo's file is missing from storage; an administrator should run 'myphoto fsck'."
        )
    if status == 403:
        return gettext(
            "Storage refused the download link (expired, or the clocks disagree): run again."
        )
    return gettext("Storage answered %(status)d: try again later.") % {"status": status}


def _reason(err: Exception) -> str:
    text = str(err) or err.__class__.__name__
    if "Connection refused" in text:
        return gettext("connection refused")
    if "Name or service not known" in text or "nodename nor servname" in text:
        return gettext("unknown host name")
    return text.splitlines()[0]
