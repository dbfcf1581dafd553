"""What the server allows, passed in by it: nothing in `myphoto.common` reads settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo


@dataclass(frozen=True)
class Limits:
    # Larger images (decompression bombs) and video frames (past 8K) are refused.
    max_image_pixels: int
    max_video_pixels: int
    # Bytes all the machine's processes spend decoding at once (`budget`), and the folder
    # where they keep count; an image that needs more is refused.
    decode_budget: int
    decode_folder: str
    # Where a camera's clock is taken to be when its EXIF time has no offset.
    local_zone: tzinfo
