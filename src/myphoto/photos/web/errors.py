"""What a request answers when it failed past its view: the database away or not ready is
a 503 that says to try again (JSON under the API, a page of its own elsewhere); anything
else is a 500. Django calls `server_error` while the exception is being handled."""

from __future__ import annotations

import logging
import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from ..database import is_outage

logger = logging.getLogger(__name__)

RETRY_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    error = sys.exc_info()[1]
    api = request.path.startswith("/api/")
    if error is not None and is_outage(error):
        logger.error("database unavailable: %s", error)
        if api:
            response: HttpResponse = JsonResponse(
                {
                    "detail": "The database is unavailable; try again.",
                    "code": "database_unavailable",
                },
                status=503,
            )
        else:
            # Rendered without the request: nothing on it may need the database.
            page = render_to_string("photos/unavailable.html", {"retry": RETRY_SECONDS})
            response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    if api:
        return JsonResponse(
            {
                "detail": "Something went wrong on the server; it has been logged.",
                "code": "server_error",
            },
            status=500,
        )
    return HttpResponse(render_to_string("photos/server_error.html"), status=500)
