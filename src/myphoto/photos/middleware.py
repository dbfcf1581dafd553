"""Every answer under the API's path is JSON, errors included, whoever made the error.

django-ninja answers its own errors in JSON, but a path that resolves to no
endpoint is Django's HTML 404, a wrong method ninja's plain-text 405, and a body
too big, with too many files or without a multipart boundary Django's HTML 400,
before any endpoint runs. Clients of the API (API.md: "never an HTML page under
/api/v1") get the same `{"detail", "code"}` for those.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property
from urllib.parse import unquote, urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext, gettext_lazy

from .storage import get_storage
from .uploadhandlers import OneRequestTooBig

logger = logging.getLogger(__name__)

# Said in the request's language when the error is made (lazy: this is read at import).
_CODES = {
    400: ("invalid", gettext_lazy("The request is not valid.")),
    401: (
        "not_authenticated",
        gettext_lazy("Log in, or send a valid token as 'Authorization: Bearer <token>'."),
    ),
    403: ("forbidden", gettext_lazy("This is not allowed.")),
    404: ("not_found", gettext_lazy("There is no such endpoint, or no such thing here.")),
    405: ("method_not_allowed", gettext_lazy("This endpoint does not take that method.")),
    413: ("too_large", gettext_lazy("The request is too large.")),
    414: ("uri_too_long", gettext_lazy("The address is too long.")),
    431: ("header_too_large", gettext_lazy("A header is too large.")),
    500: ("server_error", gettext_lazy("Something went wrong on the server; it has been logged.")),
}


def json_error(status: int, detail: str | None = None, code: str | None = None) -> JsonResponse:
    default_code, default_detail = _CODES.get(
        status, ("error", gettext_lazy("The request failed."))
    )
    return JsonResponse(
        {"detail": detail or str(default_detail), "code": code or default_code}, status=status
    )


class ApiJsonErrors:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    @cached_property
    def prefix(self) -> str:
        # The API's mount point, from the URL conf: /api/v1/
        return reverse("api:openapi-json").rsplit("/", 1)[0] + "/"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not request.path.startswith(self.prefix) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        answer = json_error(response.status_code)
        if "Allow" in response:
            answer["Allow"] = response["Allow"]
        return answer

    def process_exception(self, request: HttpRequest, exception: Exception) -> JsonResponse | None:
        """Bodies the request parser refused, said in JSON (elsewhere Django's pages say it)."""
        if not request.path.startswith(self.prefix):
            return None
        if isinstance(exception, OneRequestTooBig):
            return json_error(413, str(exception), "too_large")
        if isinstance(exception, RequestDataTooBig):
            return json_error(
                413, gettext("The request body is over the server's limit."), "too_large"
            )
        if isinstance(exception, TooManyFilesSent):
            return json_error(413, gettext("Too many files in one request."), "too_many_files")
        if isinstance(exception, MultiPartParserError):
            detail = gettext("The multipart body is malformed: %(why)s") % {"why": exception}
            return json_error(400, detail, "invalid")
        if isinstance(exception, SuspiciousOperation):
            logger.warning("suspicious API request %s: %s", request.path, exception)
            return json_error(400, gettext("The request is malformed."), "invalid")
        return None


# Past these, a request is refused here, in JSON under the API: gunicorn is given higher
# limits of its own (server.py), so that it is this that answers, not its HTML page.
MAX_REQUEST_TARGET = 4096
MAX_HEADER_BYTES = 8192


class MalformedRequests:
    """Requests refused before any view: a NUL in the path or the query string (no name, id
    or word of ours holds one, and PostgreSQL's text cannot: it was a 500), an address over
    4 KB (414), a header over 8 KB (431)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    @cached_property
    def api_prefix(self) -> str:
        return reverse("api:openapi-json").rsplit("/", 1)[0] + "/"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refused = _refusal(request)
        if refused is None:
            return self.get_response(request)
        status, code, detail = refused
        if request.path.startswith(self.api_prefix):
            return json_error(status, detail, code)
        return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")


def _refusal(request: HttpRequest) -> tuple[int, str, str] | None:
    query = request.META.get("QUERY_STRING", "")
    if "\x00" in request.path or "\x00" in unquote(query):
        return (
            400,
            "invalid",
            "The address holds a NUL character, which nothing here is named with.",
        )
    if len(request.path) + len(query) > MAX_REQUEST_TARGET:
        return 414, "uri_too_long", "The address is over 4 KB; nothing here needs one so long."
    for name, value in request.META.items():
        if name.startswith("HTTP_") and len(value) > MAX_HEADER_BYTES:
            header = name[5:].replace("_", "-").title()
            return 431, "header_too_large", f"The {header} header is over 8 KB."
    return None


class PersonsLanguage:
    """A language chosen in Settings wins over the browser's (LocaleMiddleware's guess),
    for pages and API answers alike (a bearer token's person: api.auth, where it is known)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if hasattr(request, "user"):
            speak_persons_language(request, request.user)
        return self.get_response(request)


def speak_persons_language(request: HttpRequest, person: object) -> None:
    """Answer in the language the person chose in Settings, if they chose one."""
    chosen = getattr(person, "language", "")
    if chosen:
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen


class ContentSecurityPolicy(CSPMiddleware):
    """The policy of CONTENT_SECURITY_POLICY, plus the storage's origins where browsers go there.

    Direct uploads send files to the bucket (connect-src); in redirect mode
    downloads are a redirect to it, including after the download form's post
    (form-action), and may be shown (img-src, media-src).
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        update = dict(getattr(response, "_csp_update", None) or {})
        origins = get_storage().browser_origins()
        if origins:
            directives = ["connect-src"]
            if settings.MYPHOTO_DOWNLOAD_MODE == "redirect":
                directives += ["img-src", "media-src", "form-action"]
            for directive in directives:
                update[directive] = [*update.get(directive, []), *origins]
        if settings.MYPHOTO_MAP_TILES_URL:
            # The map's tiles are images from the tile server.
            tiles = urlsplit(settings.MYPHOTO_MAP_TILES_URL)
            server = f"{tiles.scheme}://{tiles.netloc.replace('{s}', '*')}"  # a.tile..., b...
            update["img-src"] = [*update.get("img-src", []), server]
        if settings.MYPHOTO_OIDC_ISSUER:
            # The logout form's redirect ends a single sign-on at the provider's page.
            issuer = urlsplit(settings.MYPHOTO_OIDC_ISSUER)
            provider = f"{issuer.scheme}://{issuer.netloc}"
            update["form-action"] = [*update.get("form-action", []), provider]
        if update:
            response._csp_update = update  # type: ignore[attr-defined]  # django-csp reads it
        return super().process_response(request, response)


class PrivateByDefault:
    """Logged-in pages and API answers may be kept by the browser, never by a shared cache.

    Responses that say otherwise keep their own Cache-Control (downloads, thumbnails,
    `no-store` where a secret is shown).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    @cached_property
    def api_prefix(self) -> str:
        return reverse("api:openapi-json").rsplit("/", 1)[0] + "/"

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        personal = request.path.startswith(self.api_prefix) or request.user.is_authenticated
        if personal and "Cache-Control" not in response:
            patch_cache_control(response, private=True)
        return response
