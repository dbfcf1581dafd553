"""The caller: who they are (`GET /me`), and their API tokens: list, create (the secret
is shown once), revoke."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpResponse
from django.utils.translation import gettext
from ninja import Router, Status

from .. import selectors
from ..models import User
from ..requests import ApiRequest
from ..services import appearance, tokens
from .schemas.common import errors
from .schemas.tokens import MeIn, MeOut, TokenCreatedOut, TokenIn, TokenOut, token_out

router = Router(tags=["tokens"])


def _me(user: User) -> dict[str, Any]:
    usage = selectors.usage_of(user=user)
    return {
        "username": user.get_username(),
        "is_staff": user.is_staff,
        "language": user.language or None,
        "theme": user.theme or None,
        "photo_count": usage.photos + usage.videos,
        "bytes_used": usage.bytes,
        "quota_bytes": user.quota_bytes,
    }


@router.get("/me", response={200: MeOut, **errors()}, url_name="me")
def me(request: ApiRequest) -> dict[str, Any]:
    """Who the token or session belongs to (a client keeps what it did per account)."""
    return _me(request.auth)


@router.patch("/me", response={200: MeOut, **errors(400)}, url_name="me-update")
def me_update(request: ApiRequest, body: MeIn) -> dict[str, Any]:
    """My language ("en", "ko"; null: the browser's) and theme ("light", "dark"; null:
    the system's); a field left out stays as it is."""
    given = body.model_dump(exclude_unset=True)
    appearance.user_appearance_set(
        user=request.auth,
        **{name: value or "" for name, value in given.items()},
    )
    return _me(request.auth)


@router.get("/tokens", response={200: list[TokenOut], **errors()}, url_name="tokens-list")
def tokens_list(request: ApiRequest) -> list[dict[str, Any]]:
    return [token_out(t) for t in selectors.tokens_get_for_user(user=request.auth)]


@router.post("/tokens", response={201: TokenCreatedOut, **errors(400)}, url_name="token-create")
def token_create(
    request: ApiRequest, response: HttpResponse, body: TokenIn
) -> Status[dict[str, Any]]:
    """Create a token; the secret is in this answer only."""
    token, raw = tokens.token_create(user=request.auth, name=body.name)
    response.headers["Cache-Control"] = "no-store"  # the secret is in this answer
    return Status(201, {**token_out(token), "token": raw})


@router.delete(
    "/tokens/{anyuuid:token_id}", response={204: None, **errors(404)}, url_name="token-revoke"
)
def token_revoke(request: ApiRequest, token_id: UUID) -> Status[None]:
    if not tokens.token_revoke(user=request.auth, token_id=token_id):
        raise Http404(gettext("No such token."))
    return Status(204, None)
