"""REST API v1 (../shared/API.md): one router per resource; views parse, call, shape.

auth.py     who is asking (bearer token or session)
errors.py   every error as JSON, each domain error mapped to its status once
schemas/    what goes in and out, by domain (common, photos, uploads, tokens, albums, shares,
            shared), and how a photo is shaped
photos.py, trash.py, uploads.py, tokens.py, albums.py, shares.py   the endpoints, each with
            a url_name
shared.py   what anyone with a share link reaches (no account: the key and its password)
libraries.py  libraries adopted in place (staff only)
accounts.py   the server's accounts (staff only)
"""

from __future__ import annotations

from ninja import NinjaAPI

from . import (
    accounts,
    albums,
    duplicates,
    edits,
    errors,
    libraries,
    maps,
    memories,
    people,
    photos,
    places,
    shared,
    shares,
    tokens,
    trash,
    uploads,
)
from .auth import BearerTokenAuth, SessionAuth, for_users_only

api = NinjaAPI(
    title="MyPhoto API",
    version="1",
    urls_namespace="api",
    auth=[BearerTokenAuth(), SessionAuth()],
    docs_url="/docs",
    # The docs page uses ninja's own static files (no CDN) and is for users only.
    docs_decorator=for_users_only,
)
errors.register(api)
# One router per path: operations sharing a path must share a router.
api.add_router("", photos.router)
api.add_router("", edits.router)
api.add_router("", places.router)
api.add_router("", memories.router)
api.add_router("", maps.router)
api.add_router("", people.router)
api.add_router("", duplicates.router)
api.add_router("", trash.router)
api.add_router("", uploads.router)
api.add_router("", tokens.router)
api.add_router("", albums.router)
api.add_router("", shares.router)
api.add_router("", shared.router)
api.add_router("", libraries.router)
api.add_router("", accounts.router)
