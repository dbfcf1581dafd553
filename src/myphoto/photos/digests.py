"""The digests recorded of an original: its SHA-256 (what makes two files the same) and
its CRC-32, read once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from zlib_ng import zlib_ng


def digest_of(chunks: Iterable[bytes]) -> tuple[str, int]:
    """The SHA-256 (hex) and CRC-32 of the bytes, read once.

    zlib-ng's CRC-32 (the same value) runs at 17 GiB/s here, zlib's at 2: with
    zlib's, a 2 GiB upload's check spent 1 s of its 3 on the CRC alone.
    """
    sha256, crc32 = hashlib.sha256(), 0
    for chunk in chunks:
        sha256.update(chunk)
        crc32 = zlib_ng.crc32(chunk, crc32)
    return sha256.hexdigest(), crc32
