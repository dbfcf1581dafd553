"""Why an upload in parts (services.multipart) is refused or must wait."""

from __future__ import annotations

from django.utils.translation import gettext


class PartsMissing(Exception):
    """Completing needs every part; these have not arrived (or arrived with a wrong size)."""

    def __init__(self, missing: list[int]) -> None:
        shown = ", ".join(map(str, missing[:20])) + (" …" if len(missing) > 20 else "")
        super().__init__(
            gettext("%(count)d parts have not arrived yet: %(parts)s.")
            % {"count": len(missing), "parts": shown}
        )
        self.missing = missing


class UploadGone(Exception):
    """The storage no longer has the upload's parts (removed after it expired)."""


class UploadBusy(Exception):
    """Another request is completing this upload."""


class ChecksumMismatch(Exception):
    """The assembled file's SHA-256 is not the one the client gave: the bytes were damaged."""


class InvalidPart(Exception):
    """A part number outside the upload, or a body that is not exactly the part's size."""


class TooManyOpenUploads(Exception):
    """The person has MYPHOTO_MAX_OPEN_UPLOADS unfinished, or MYPHOTO_MAX_OPEN_UPLOAD_GB."""


class PartLinkInvalid(Exception):
    """A part URL that this server did not sign, or whose time is over."""
