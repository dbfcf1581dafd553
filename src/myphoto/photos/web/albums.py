"""The album pages: the list, one album (a timeline of its own), adding the ticked photos,
and the owner's sharing page (members and links). Thin: selectors read, services change."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import selectors
from ..models import Album, AlbumRole
from ..requests import AuthenticatedRequest
from ..selectors import NotAllowed
from ..services import albums, shares
from ..templatetags.counts import counted_text
from .forms import AddToAlbumForm, AlbumForm, MemberForm, SelectionForm, ShareLinkForm
from .selection import album_download_response, ticked_photos
from .timeline import timeline_response


def _album(request: AuthenticatedRequest, album_id: UUID, role: AlbumRole) -> Album:
    """The album, if the user may do this to it: 404 if they may not see it, 403 if they
    may see it but not do this."""
    try:
        return selectors.album_get_for_user(user=request.user, album_id=album_id, role=role)
    except NotAllowed as err:
        raise PermissionDenied(str(err)) from err


@login_required
@require_GET
def albums_list(request: AuthenticatedRequest) -> HttpResponse:
    """My albums and those shared with me, as a grid of covers."""
    return render(
        request,
        "photos/albums.html",
        {"albums": selectors.albums_for_user(user=request.user), "form": AlbumForm()},
    )


@login_required
@require_POST
def album_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new album, with the ticked photos if any."""
    form = AlbumForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("An album needs a title (at most 200 characters)."))
        return redirect("albums")
    album = albums.album_create(
        owner=request.user,
        title=form.cleaned_data["title"],
        description=form.cleaned_data["description"],
        photo_ids=form.cleaned_data["ids"],
    )
    return redirect("album-detail", album_id=album.pk)


@login_required
@require_POST
def album_add(request: AuthenticatedRequest) -> HttpResponse:
    """The ticked photos into an album: first the page to choose it, then the adding."""
    form = AddToAlbumForm(request.POST)
    choosing = "album" not in request.POST and "new_title" not in request.POST
    if choosing or not form.is_valid():
        selection = SelectionForm(request.POST)
        if not selection.is_valid():
            messages.error(request, _("Select at least one photo first."))
            return redirect("timeline")
        choices = [
            view
            for view in selectors.albums_for_user(user=request.user)
            if view.role != AlbumRole.VIEWER
        ]
        return render(
            request,
            "photos/album_choose.html",
            {
                "ids": selection.cleaned_data["ids"],
                "albums": choices,
                "form": form if not choosing else AddToAlbumForm(),
            },
            status=200 if choosing else 400,
        )
    ids = form.cleaned_data["ids"]
    if form.cleaned_data["album"]:
        album = _album(request, form.cleaned_data["album"], AlbumRole.CONTRIBUTOR)
        added = albums.album_add_photos(album=album, user=request.user, photo_ids=ids)
    else:
        album = albums.album_create(
            owner=request.user, title=form.cleaned_data["new_title"], photo_ids=ids
        )
        added = len(ids)
    messages.success(
        request,
        _("Added %(photos)s to “%(title)s”.")
        % {"photos": counted_text(added, "photo"), "title": album.title},
    )
    return redirect("album-detail", album_id=album.pk)


@login_required
@require_GET
def album_detail(request: AuthenticatedRequest, album_id: UUID) -> HttpResponse:
    """One album: the timeline's grid, selection, viewer and scrubber over its photos."""
    album = _album(request, album_id, AlbumRole.VIEWER)
    view = selectors.album_view(album, user=request.user)
    return timeline_response(
        request,
        template="photos/album.html",
        album=album,
        context={
            "album": album,
            "view": view,
            "role": view.role.value,
            "album_query": urlencode({"album": str(album.pk)}),
        },
    )


@login_required
@require_POST
def album_remove(request: AuthenticatedRequest, album_id: UUID) -> HttpResponse:
    """Take the ticked photos out of the album; they stay in the library."""
    album = _album(request, album_id, AlbumRole.CONTRIBUTOR)
    ids = ticked_photos(request)
    if ids is not None:
        removed = albums.album_remove_photos(album=album, user=request.user, photo_ids=ids)
        messages.success(
            request,
            _("Removed %(photos)s from the album; the library still has them.")
            % {"photos": counted_text(removed, "photo")},
        )
    return redirect("album-detail", album_id=album.pk)


@login_required
@require_POST
def album_cover(request: AuthenticatedRequest, album_id: UUID) -> HttpResponse:
    """The one ticked photo becomes the album's cover."""
    album = _album(request, album_id, AlbumRole.OWNER)
    ids = ticked_photos(request)
    if ids is not None and len(ids) != 1:
        messages.error(request, _("Select one photo to make it the cover."))
    elif ids is not None:
        try:
            albums.album_update(album=album, cover_photo=ids[0])
            messages.success(request, _("The album has a new cover."))
        except albums.NotInAlbum as err:
            messages.error(request, str(err))
    return redirect("album-detail", album_id=album.pk)


@login_required
def album_edit(request: AuthenticatedRequest, album_id: UUID) -> HttpResponse:
    """Rename and describe the album."""
    album = _album(request, album_id, AlbumRole.OWNER)
    form = AlbumForm(
        request.POST or None, initial={"title": album.title, "description": album.description}
    )
    if request.method == "POST" and form.is_valid():
        albums.album_update(
            album=album,
            title=form.cleaned_data["title"],
            description=form.cleaned_data["description"],
        )
        messages.success(request, _("The album is saved."))
        return redirect("album-detail", album_id=album.pk)
    return render(request, "photos/album_edit.html", {"album": album, "form": form})


@login_required
@require_POST
def album_delete(request: AuthenticatedRequest, album_id: UUID) -> HttpResponse:
    """Delete the album once confirmed (the script's dialog, or a page of its own); the
    photos stay in the library."""
    album = _album(request, album_id, AlbumRole.OWNER)
    if request.POST.get("confirmed") != "yes":
        return render(request, "photos/album_delete_confirm.html", {"album": album})
    title = album.title
    albums.album_delete(album=album)
    messages.success(
        request,
        _("Deleted the album “%(title)s”; its photos are still in the library.") % {"title": title},
    )
    return redirect("albums")


@login_required
@require_POST
def album_download(request: AuthenticatedRequest, album_id: UUID) -> HttpResponseBase:
    """The ticked photos of the album (one: the original; several: a zip), or with none
    ticked the whole album as one zip. For its members too."""
    album = _album(request, album_id, AlbumRole.VIEWER)
    return album_download_response(request, album, back=redirect("album-detail", album_id=album.pk))


@login_required
def album_sharing(request: AuthenticatedRequest, album_id: UUID) -> HttpResponse:
    """The owner's sharing page: members of this server, and links for anyone."""
    album = _album(request, album_id, AlbumRole.OWNER)
    member_form, link_form = MemberForm(prefix="member"), ShareLinkForm(prefix="link")
    status = 200
    action = request.POST.get("action")
    if request.method == "POST":
        done = _sharing_action(request, album, action, member_form, link_form)
        if isinstance(done, HttpResponse):
            return done
        member_form, link_form = done
        status = 400
    links = [
        (share, request.build_absolute_uri(reverse("shared-album", kwargs={"key": share.key})))
        for share in selectors.shares_for_user(user=request.user, album=album)
    ]
    return render(
        request,
        "photos/album_sharing.html",
        {
            "album": album,
            "members": selectors.album_members(album=album),
            "links": links,
            "member_form": member_form,
            "link_form": link_form,
        },
        status=status,
    )


def _sharing_action(
    request: AuthenticatedRequest,
    album: Album,
    action: str | None,
    member_form: MemberForm,
    link_form: ShareLinkForm,
) -> HttpResponse | tuple[MemberForm, ShareLinkForm]:
    """Do what the sharing page's form asked; a redirect, or the forms with their errors."""
    again = redirect("album-sharing", album_id=album.pk)
    if action == "add-member":
        member_form = MemberForm(request.POST, prefix="member")
        if member_form.is_valid():
            try:
                albums.album_member_set(
                    album=album,
                    username=member_form.cleaned_data["username"],
                    role=AlbumRole(member_form.cleaned_data["role"]),
                )
            except (albums.CannotBeMember, Http404) as err:
                member_form.add_error("username", str(err))
            else:
                messages.success(
                    request,
                    _("Shared with %(name)s.") % {"name": member_form.cleaned_data["username"]},
                )
                return again
    elif action == "remove-member":
        albums.album_member_remove(album=album, username=request.POST.get("username", ""))
        messages.success(
            request,
            _("No longer shared with %(name)s.") % {"name": request.POST.get("username", "")},
        )
        return again
    elif action == "create-link":
        link_form = ShareLinkForm(request.POST, prefix="link")
        if link_form.is_valid():
            data = link_form.cleaned_data
            shares.share_create(
                album=album,
                expires_in_days=data["expires_in_days"],
                allow_download=data["allow_download"],
                allow_upload=data["allow_upload"],
                show_location=data["show_location"],
                password=data["password"],
            )
            messages.success(request, _("A new link is ready: copy it below."))
            return again
    elif action == "link-downloads":
        share = selectors.share_get_for_user(
            user=request.user, share_id=request.POST.get("share", "")
        )
        allowed = request.POST.get("allow") == "yes"
        shares.share_update(share=share, allow_download=allowed)
        messages.success(
            request,
            _("Visitors may download.") if allowed else _("Downloads are off for this link."),
        )
        return again
    elif action == "revoke-link":
        share = selectors.share_get_for_user(
            user=request.user, share_id=request.POST.get("share", "")
        )
        shares.share_revoke(share=share)
        messages.success(request, _("The link is revoked: it opens nothing from now on."))
        return again
    return member_form, link_form
