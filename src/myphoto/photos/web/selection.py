"""What the pages do with the photos ticked in a grid: read the selection, download it (one
photo: the original; several: a zip), and go back to where the person was."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from .. import responses, selectors
from ..models import Album, ShareLink
from .forms import SelectionForm


def back_to(request: HttpRequest, target: str | None) -> HttpResponse:
    """Back to `target` if it is a path of this site, else to the timeline: never elsewhere."""
    if (
        target
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return HttpResponseRedirect(target)
    return redirect("timeline")


def ticked_photos(request: HttpRequest) -> list[UUID] | None:
    """The ticked photos' ids, or None (and a message saying why) if there are none."""
    form = SelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["ids"]))
        return None
    ids: list[UUID] = form.cleaned_data["ids"]
    return ids


def album_download_response(
    request: HttpRequest, album: Album, *, back: HttpResponse, share: ShareLink | None = None
) -> HttpResponseBase:
    """The ticked photos of the album (one: the original; several: a zip), or with none
    ticked the whole album as one zip named after it; `back` (with a message saying why)
    when the selection or the zip cannot be. `share`: asked through that link."""
    ids = None
    if request.POST.getlist("ids"):
        ids = ticked_photos(request)
        if ids is None:
            return back
    photos = selectors.album_photos(album=album, photo_ids=ids)
    try:
        responses.check_zip_size(len(photos))
    except responses.TooManyForOneZip as err:
        messages.error(request, str(err))
        return back
    if ids is not None and len(photos) == 1:
        return responses.photo_download_response(request=request, photo=photos[0], share=share)
    layout = "by-date" if request.POST.get("layout") == "by-date" else "flat"
    return responses.photos_zip_response(photos=photos, layout=layout, name=album.title)
