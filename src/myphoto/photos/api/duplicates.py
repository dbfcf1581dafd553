"""Look-alike photos: the groups, and keeping the best of each."""

from __future__ import annotations

from typing import Any

from ninja import P, QueryEx, Router

from ..requests import ApiRequest
from ..selectors.duplicates import duplicate_groups
from ..services.duplicates import duplicates_resolve
from .schemas.common import errors
from .schemas.duplicates import DuplicatesOut, ResolvedOut, ResolveIn
from .schemas.photos import photo_out

router = Router(tags=["duplicates"])


@router.get("/duplicates", response={200: DuplicatesOut, **errors(400)}, url_name="duplicates")
def duplicates_list(
    request: ApiRequest, limit: QueryEx[int, P(ge=1, le=100)] = 20, cursor: str | None = None
) -> dict[str, Any]:
    """Groups of my photos that look the same (re-saved, resized, recompressed, a little
    cropped; not only equal bytes), each with its best photo first."""
    page = duplicate_groups(user=request.auth, limit=limit, cursor=cursor)
    return {
        "groups": [
            {"photos": [photo_out(p) for p in group.photos], "best": group.best.pk}
            for group in page.groups
        ],
        "next_cursor": page.next_cursor,
    }


@router.post(
    "/duplicates/resolve",
    response={200: ResolvedOut, **errors(400, 404)},
    url_name="duplicates-resolve",
)
def duplicates_resolve_(request: ApiRequest, body: ResolveIn) -> dict[str, Any]:
    """Keep `keep`, move `trash` to the trash; the kept photos join the trashed ones' albums
    and inherit a heart and a description. Any id not mine: 404, nothing changed."""
    trashed = duplicates_resolve(owner=request.auth, keep=body.keep, trash=body.trash)
    return {"trashed": trashed}
