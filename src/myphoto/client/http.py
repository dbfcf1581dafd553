"""One pooled HTTP connection to the server, and errors a person can act on."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import httpx

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
            headers={**headers, "User-Agent": "myphoto-cli"},
            timeout=TIMEOUT,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
            follow_redirects=True,
        )

    def close(self) -> None:
        self.http.close()

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

    def raise_for_status(self, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        detail, code = _detail(response)
        if response.status_code == 401:
            raise AuthError(
                f"The server refused the token (revoked or mistyped): "
                f"run `myphoto login {self.url}` again."
            )
        if response.status_code == 404 and not code:
            raise ClientError(
                f"{self.url} does not look like a MyPhoto server "
                f"({response.request.url.path} answered 404): check the URL."
            )
        raise ApiError(response.status_code, detail, code)

    @contextlib.contextmanager
    def _translate_errors(self) -> Iterator[None]:
        try:
            yield
        except httpx.ConnectError as err:
            raise Unreachable(
                f"Cannot reach {self.url} ({_reason(err)}): "
                "is the server running and the URL right?"
            ) from err
        except httpx.TimeoutException as err:
            raise Unreachable(f"{self.url} did not answer in time: try again later.") from err
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as err:
            # Typically a kept-alive connection the other side had already closed.
            raise TransientError(f"the connection broke ({_reason(err)})") from err
        except httpx.HTTPError as err:
            raise ClientError(f"The connection to {self.url} failed: {_reason(err)}") from err

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
        return answer.status_code == 302

    def csrf_token(self) -> str:
        return self.http.cookies.get("csrftoken", "")

    def check(self) -> None:
        """Raise unless the URL is a MyPhoto server and the token is accepted."""
        self.request("GET", "/photos", params={"limit": 1})

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


def _reason(err: Exception) -> str:
    text = str(err) or err.__class__.__name__
    if "Connection refused" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host name"
    return text.splitlines()[0]
