"""Who is asking: a bearer token (scripts) or the browser's session (the page)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from ..models import User
from ..services.tokens import token_authenticate


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return token_authenticate(token)


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
