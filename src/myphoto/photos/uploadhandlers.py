"""Django's upload handlers, reading a request body a mebibyte at a time.

Django reads a multipart body in its handlers' chunk size, 64 KiB by default.
Under gunicorn, each such read also copies what gunicorn has read ahead (up to
a mebibyte) to keep the rest for the next. In 1 MiB reads a 3 MB camera JPEG's
upload took 20.1 ms of CPU instead of 22.0 (bench/uploads.py, two runs each);
a request being uploaded holds one such chunk in memory.
"""

from __future__ import annotations

from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

CHUNK_SIZE = 1024 * 1024


class InMemoryUploads(MemoryFileUploadHandler):
    """Files of a request up to FILE_UPLOAD_MAX_MEMORY_SIZE, held in memory."""

    chunk_size = CHUNK_SIZE


class TemporaryFileUploads(TemporaryFileUploadHandler):
    """Files of a bigger request, spooled to a temporary file."""

    chunk_size = CHUNK_SIZE
