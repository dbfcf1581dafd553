"""MyPhoto as an installable web app: its manifest (names, icons, colours, the share
target), its service worker and the page it shows offline; the logout that empties what
the browser kept.

The service worker keeps the app's own static files only, never a page, a photo or an
API answer: after a logout, nothing of one account is left for the next person.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.staticfiles import finders
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from ..sso import signout

_STATIC = Path(__file__).resolve().parent.parent / "static"
# The light and dark top bar's colours (app.css --surface): the phone's status bar matches.
THEME_LIGHT, THEME_DARK = "#ffffff", "#1e1f22"
BACKGROUND = "#f8f9fa"
# What a phone's share sheet may send (the upload checks each file as any other).
SHARED_TYPES = ["image/*", "video/*", ".heic", ".heif", ".dng", ".mov", ".mp4"]


def _shell_files() -> list[str]:
    """The static files every page needs, relative to the static folder."""
    scripts = sorted(
        f"photos/js/{path.name}"
        for path in (_STATIC / "photos" / "js").glob("*.js")
        if path.name != "sw.js"
    )
    icons = sorted(f"photos/icons/{path.name}" for path in (_STATIC / "photos/icons").iterdir())
    vendored = ["photos/vendor/js-sha256/sha256.min.mjs", "django_htmx/htmx-2.min.js"]
    return ["photos/app.css", *scripts, *icons, *vendored]


@cache
def _shell() -> tuple[str, list[str]]:
    """The files' version (changes when any of them does: the worker then replaces the
    cache) and their URLs."""
    found = {name: finders.find(name) for name in _shell_files()}
    files = [name for name, path in found.items() if path]
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode())
        digest.update(Path(str(found[name])).read_bytes())
    return digest.hexdigest()[:16], [static(name) for name in files]


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest (fetched without cookies: nothing in it is anyone's)."""
    body = {
        "id": "/",
        "name": settings.MYPHOTO_SITE_NAME,
        "short_name": settings.MYPHOTO_SITE_NAME[:12],
        "description": gettext("Your photos and videos, on your own server."),
        "lang": request.LANGUAGE_CODE,
        "start_url": reverse("timeline"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_LIGHT,
        "background_color": BACKGROUND,
        "icons": [
            {
                "src": static(f"photos/icons/icon{'-maskable' if maskable else ''}-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "maskable" if maskable else "any",
            }
            for maskable in (False, True)
            for size in (192, 512)
        ]
        + [
            {
                "src": static("photos/icons/favicon.svg"),
                "sizes": "any",
                "type": "image/svg+xml",
                "purpose": "any",
            }
        ],
        "share_target": {
            "action": reverse("share-target"),
            "method": "POST",
            "enctype": "multipart/form-data",
            "params": {"files": [{"name": "files", "accept": SHARED_TYPES}]},
        },
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    version, files = _shell()
    response = render(
        request,
        "photos/sw.js",
        {
            "version": version,
            "shell": json.dumps(files),
            "offline": reverse("offline"),
            "share_target": reverse("share-target"),
            "landing": f"{reverse('timeline')}?shared=1",
        },
        content_type="text/javascript",
    )
    # Browsers look for a new worker at most daily anyway; never from a stale copy.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """The page shown when the server cannot be reached (kept by the worker; it names
    no one, so it is the same for everyone)."""
    return render(request, "photos/offline.html", {"site_name": settings.MYPHOTO_SITE_NAME})


@csrf_exempt
def share_target(request: HttpRequest) -> HttpResponseBase:
    """Where a phone's share sheet sends photos. The installed app's worker answers it in
    the browser and hands the files to the upload panel; this is reached only without
    the worker, and stores nothing (a post from outside carries no CSRF token)."""
    return HttpResponse(status=303, headers={"Location": f"{reverse('timeline')}?shared=1"})


class Logout(auth_views.LogoutView):
    """Django's logout; the browser also forgets the app's cache, its stored upload
    progress and its worker (Clear-Site-Data), so the next person finds nothing. After a
    single sign-on, the provider's session ends too (its end-session page)."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        provider_end = signout.end_session_url(request, request.session.get(signout.SESSION_KEY))
        response: HttpResponse = super().post(request, *args, **kwargs)
        if provider_end is not None:
            response = HttpResponseRedirect(provider_end)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
