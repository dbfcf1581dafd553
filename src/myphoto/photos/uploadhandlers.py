"""Django's upload handlers, reading a request body a mebibyte at a time.

Django reads a multipart body in its handlers' chunk size, 64 KiB by default.
Under gunicorn, each such read also copies what gunicorn has read ahead (up to
a mebibyte) to keep the rest for the next. In 1 MiB reads a 3 MB camera JPEG's
upload took 20.1 ms of CPU instead of 22.0 (bench/uploads.py, two runs each);
a request being uploaded holds one such chunk in memory.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.utils.translation import gettext

from .limits import MiB, max_single_upload_bytes, max_upload_bytes

CHUNK_SIZE = 1024 * 1024
# What a multipart body holds besides its file: boundaries, headers, a CSRF token.
_ENVELOPE = 64 * 1024


class OneRequestTooBig(RequestDataTooBig):
    """A request body past MYPHOTO_MAX_SINGLE_UPLOAD_MB; the message says what to do."""


class InMemoryUploads(MemoryFileUploadHandler):
    """Files of a request up to FILE_UPLOAD_MAX_MEMORY_SIZE, held in memory. First of the
    handlers: a body bigger than one request may carry is refused before it is read."""

    chunk_size = CHUNK_SIZE

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> None:
        limit = max_single_upload_bytes()
        if content_length > limit + _ENVELOPE:
            sizes = {"size": f"{content_length / MiB:.1f}", "limit": limit // MiB}
            # Parts help where one request's limit is below the largest file's.
            if limit < max_upload_bytes():
                raise OneRequestTooBig(
                    gettext(
                        "The request is %(size)s MB; the limit is %(limit)d MB for one request: "
                        "send bigger files in parts."
                    )
                    % sizes
                )
            raise OneRequestTooBig(
                gettext("The request is %(size)s MB; the limit is %(limit)d MB.") % sizes
            )
        super().handle_raw_input(input_data, META, content_length, boundary, encoding)


class TemporaryFileUploads(TemporaryFileUploadHandler):
    """Files of a bigger request, spooled to a temporary file."""

    chunk_size = CHUNK_SIZE
