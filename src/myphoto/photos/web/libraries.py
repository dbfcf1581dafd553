"""The Libraries page (staff only; anyone else is told there is no such page): folders and
S3 prefixes adopted in place, their scans as they go, what was refused and what is
offline; adopt one, scan now, forget one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..models import LibraryStatus, User
from ..requests import AuthenticatedRequest
from ..selectors import LibraryView, libraries_for_staff, library_get_for_staff, library_view
from ..services.libraries import (
    INTERVALS,
    LibraryInvalid,
    library_add,
    library_remove,
    library_scan_request,
)
from ..storage.sources import S3Access, SourceNotAllowed, SourceUnreachable
from ..templatetags.counts import counted_text

SHOWN = 20


class LibraryForm(forms.Form):
    name = forms.CharField(
        max_length=100, label=_("Name"), help_text=_("Shown beside its photos: “In NAS”.")
    )
    source = forms.CharField(
        max_length=2000,
        label=_("Where"),
        help_text=_("s3://bucket/prefix/, or a folder's path under MYPHOTO_LIBRARY_ROOTS."),
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        label=_("Owner"),
        help_text=_("Whose library its photos join."),
    )
    endpoint_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label=_("S3 endpoint"),
        help_text=_("Leave empty for AWS."),
    )
    region = forms.CharField(required=False, max_length=64, initial="us-east-1", label=_("Region"))
    access_key_id = forms.CharField(required=False, max_length=200, label=_("Access key id"))
    secret_access_key = forms.CharField(
        required=False,
        max_length=500,
        label=_("Secret access key"),
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Stored encrypted; never shown again. A key that may only list and read is best."
        ),
    )
    scan_interval_minutes = forms.IntegerField(
        min_value=INTERVALS.start,
        max_value=INTERVALS.stop - 1,
        initial=60,
        label=_("Scan every (minutes)"),
    )
    albums_from_folders = forms.BooleanField(
        required=False, label=_("Make an album of each folder (kept in step by the scans)")
    )


def _views(user: User) -> list[LibraryView]:
    """Every library with its counts; Http404 for anyone but staff."""
    return [library_view(library, listed=SHOWN) for library in libraries_for_staff(user=user)]


@login_required
@require_http_methods(["GET", "POST"])
def libraries(request: AuthenticatedRequest) -> HttpResponse:
    views = _views(request.user)
    form = LibraryForm(request.POST or None, initial={"owner": request.user.username})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        access = None
        if data["source"].startswith("s3://"):
            access = S3Access(
                data["endpoint_url"] or None,
                data["region"] or "us-east-1",
                data["access_key_id"] or None,
                data["secret_access_key"] or None,
            )
        try:
            library = library_add(
                name=data["name"],
                source=data["source"],
                owner=data["owner"],
                s3=access,
                scan_interval_minutes=data["scan_interval_minutes"],
                albums_from_folders=data["albums_from_folders"],
            )
        except (SourceNotAllowed, SourceUnreachable, LibraryInvalid) as err:
            form.add_error("source" if not isinstance(err, LibraryInvalid) else None, str(err))
        else:
            messages.success(
                request,
                gettext("Adopted %(source)s as “%(name)s”; its first scan has begun.")
                % {"source": library.source, "name": library.name},
            )
            return redirect("libraries")
    return render(
        request,
        "photos/libraries.html",
        {
            "views": views,
            "form": form,
            "scanning": any(view.status == LibraryStatus.SCANNING for view in views),
        },
    )


@login_required
@require_GET
def libraries_status(request: AuthenticatedRequest) -> HttpResponse:
    """The list alone, which the page fetches again every few seconds while a scan runs."""
    views = _views(request.user)
    return render(
        request,
        "photos/_libraries_list.html",
        {
            "views": views,
            "scanning": any(view.status == LibraryStatus.SCANNING for view in views),
        },
    )


@login_required
@require_POST
def library_scan(request: AuthenticatedRequest, library_id: int) -> HttpResponse:
    library = library_get_for_staff(user=request.user, library_id=library_id)
    full = request.POST.get("full") == "1"
    library_scan_request(library=library, full=full)
    if full:
        begun = gettext("A full scan of “%(name)s” has begun; this page follows it.")
    else:
        begun = gettext("A scan of “%(name)s” has begun; this page follows it.")
    messages.success(request, begun % {"name": library.name})
    return redirect("libraries")


@login_required
@require_POST
def library_forget(request: AuthenticatedRequest, library_id: int) -> HttpResponse:
    """Forget a library once its name is typed; its files stay where they are."""
    library = library_get_for_staff(user=request.user, library_id=library_id)
    if request.POST.get("confirm", "").strip() != library.name:
        messages.error(
            request, gettext("Type “%(name)s” to forget this library.") % {"name": library.name}
        )
        return redirect("libraries")
    forgotten = library_remove(library=library)
    messages.success(
        request,
        gettext(
            "Forgot “%(name)s”: %(photos)s and their thumbnails left MyPhoto; "
            "its files stay in %(source)s."
        )
        % {
            "name": library.name,
            "photos": counted_text(forgotten, "photo"),
            "source": library.source,
        },
    )
    return redirect("libraries")
