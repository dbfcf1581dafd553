"""Request types for type checking: what the middleware and decorators guarantee.

django-stubs' documented pattern: `login_required` lets only a `User` through,
and django-htmx's middleware adds `htmx`.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class AuthenticatedRequest(HttpRequest):
    user: User  # narrowed from User | AnonymousUser by login_required
    htmx: HtmxDetails


class ApiRequest(HttpRequest):
    """A request that the API's auth let through: `auth` is who is asking."""

    auth: User


class VisitorRequest(HttpRequest):
    """A request of someone who may have no account (a share link's visitor)."""

    htmx: HtmxDetails
