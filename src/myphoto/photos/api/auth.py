"""Who is asking: a bearer token (scripts) or the browser's session (the page)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja.security import APIKeyCookie, HttpBearer

from ..middleware import json_error, speak_persons_language
from ..models import User
from ..services.tokens import token_authenticate


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = token_authenticate(token)
        # Known only now (no session): the answer's sentences in their language too.
        speak_persons_language(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The browser's Django session; CSRF is checked only once we know who is asking."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None  # so an anonymous request is a 401, not a CSRF 403
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = request.user
        return user if isinstance(user, User) and user.is_authenticated else None


def for_users_only(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """The API's docs page and schema: for people logged in and scripts with a token.

    Others get the login page (docs) or a JSON 401 (the schema).
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        kind, _, token = request.headers.get("Authorization", "").partition(" ")
        bearer = token_authenticate(token.strip()) if kind.lower() == "bearer" else None
        if request.user.is_authenticated or bearer is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            return json_error(401)
        return redirect_to_login(request.get_full_path())

    return guarded
