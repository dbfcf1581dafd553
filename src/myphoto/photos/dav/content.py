"""What wsgidav asks of every file it serves: its bytes as a file to read, its times."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from ..models import Photo
from ..originals import original_of


class _Chunks(io.RawIOBase):
    """A file over an iterator of chunks: the original streamed once, in order (a range
    request per read would be thousands for one video)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._left = chunks, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._left:
            self._left = next(self._chunks, b"")
            if not self._left:
                return 0
        count = min(len(buffer), len(self._left))
        buffer[:count] = self._left[:count]
        self._left = self._left[count:]
        return count


def original_file(photo: Photo) -> io.BufferedReader:
    return io.BufferedReader(_Chunks(original_of(photo).whole()), buffer_size=1024 * 1024)


class PhotoFile:
    """What a file that is a photo's original answers wsgidav: its type, ETag and bytes
    (streamed in order: no ranges)."""

    @property
    def photo(self) -> Photo:
        raise NotImplementedError

    def get_content_type(self) -> str:
        return self.photo.content_type

    def get_etag(self) -> str:
        return self.photo.sha256[:32]

    def support_etag(self) -> bool:
        return True

    def support_ranges(self) -> bool:
        return False

    def get_content(self) -> io.BufferedReader:
        return original_file(self.photo)


def moment(value: object) -> datetime | None:
    """A time a client gives a file: seconds since 1970 (X-OC-Mtime), an HTTP date or
    an ISO 8601 one (a PROPPATCH of getlastmodified); None if it is none of them."""
    text = str(value).strip()
    try:
        if text.isdigit():
            return datetime.fromtimestamp(int(text), tz=UTC)
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError):
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return None
