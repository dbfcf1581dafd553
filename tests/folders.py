"""Folders of photos as a phone or a camera leaves them, for the client's tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

import images


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def phone_dump(root: Path) -> list[Path]:
    """30 photos, one folder down too, one without an extension, and a note."""
    root.mkdir()
    photos = []
    for n in range(27):
        path = root / f"IMG_{n:04d}.jpg"
        path.write_bytes(images.jpeg(80, 60, seed=n))
        photos.append(path)
    nested = root / "2023" / "holiday"
    nested.mkdir(parents=True)
    for n in range(2):
        path = nested / f"beach {n}.png"
        path.write_bytes(images.png(seed=100 + n))
        photos.append(path)
    no_extension = root / "scan"
    no_extension.write_bytes(images.camera_photo("HEIF", seed=7))
    photos.append(no_extension)
    (root / "notes.txt").write_text("not a photo")
    (root / ".DS_Store").write_bytes(b"\0\0")
    return photos
