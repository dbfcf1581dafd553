"""Exports shaped as Google Takeout and iCloud write them: sidecars with Google's fields and
types (timestamps as strings, `geoData` with spans, flags absent when false), album
metadata under localized names, zip and tgz parts, `Photo Details.csv` with Apple's date
format. The shapes follow exports described in tests/data/README.md."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = "Takeout/Google Photos/"


def _time(moment: datetime) -> dict[str, str]:
    return {
        "timestamp": str(int(moment.timestamp())),
        "formatted": moment.astimezone(UTC).strftime("%b %-d, %Y, %-I:%M:%S %p UTC"),
    }


def _geo(point: tuple[float, float] | None) -> dict[str, float]:
    lat, lon = point or (0.0, 0.0)
    return {
        "latitude": lat,
        "longitude": lon,
        "altitude": 0.0,
        "latitudeSpan": 0.0,
        "longitudeSpan": 0.0,
    }


def sidecar(
    title: str,
    *,
    taken: datetime | None = None,
    geo: tuple[float, float] | None = None,
    geo_exif: tuple[float, float] | None = None,
    description: str = "",
    **flags: bool,
) -> bytes:
    """A photo's JSON as Takeout writes it; `flags` are favorited, archived, trashed."""
    uploaded = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    document: dict[str, object] = {
        "title": title,
        "description": description,
        "imageViews": "7",
        "creationTime": _time(uploaded),
        "photoTakenTime": _time(taken or uploaded),
        "geoData": _geo(geo),
        "geoDataExif": _geo(geo_exif),
        "url": "https://photos.google.com/photo/AF1QipExample",
        "googlePhotosOrigin": {"mobileUpload": {"deviceType": "ANDROID_PHONE"}},
    }
    document.update({name: True for name, value in flags.items() if value})
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


def album_metadata(title: str, description: str = "") -> bytes:
    document = {
        "title": title,
        "description": description,
        "access": "protected",
        "date": _time(datetime(2024, 1, 1, tzinfo=UTC)),
    }
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


def write_zip(path: Path, files: dict[str, bytes], *, deflate: bool = False) -> Path:
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def write_tgz(path: Path, files: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def write_folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def icloud_details(rows: list[dict[str, str]]) -> bytes:
    header = (
        "imgName,fileChecksum,favorite,hidden,deleted,originalCreationDate,viewCount,importDate"
    )
    lines = [header]
    for row in rows:
        lines.append(
            ",".join(
                [
                    row["name"],
                    "AZmQ5sJ4GqZ1m0ZkU1xu1eFnnwhb",
                    row.get("favorite", "no"),
                    row.get("hidden", "no"),
                    row.get("deleted", "no"),
                    f'"{row["date"]}"' if "date" in row else "",
                    "3",
                    '"Monday March 4,2024 9:00 AM GMT"',
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode()


def icloud_album(names: list[str]) -> bytes:
    return ("Images\n" + "\n".join(names) + "\n").encode()


def icloud_photos(root: str, *, listed_only: list[str] = ()) -> dict[str, bytes]:
    """An iCloud part's `Photos/`: a favorite with its date (the file has none), a hidden
    photo and a deleted one, their `Photo Details.csv`, and rows for `listed_only` names
    whose files are not there."""
    import images

    rows = [
        {"name": "IMG_0100.JPG", "favorite": "yes", "date": "Saturday January 15,2022 7:31 PM GMT"},
        {"name": "IMG_0101.JPG", "hidden": "yes"},
        {"name": "IMG_0102.JPG", "deleted": "yes"},
    ]
    files = {f"{root}/Photos/{row['name']}": images.jpeg(seed=n) for n, row in enumerate(rows)}
    rows += [{"name": name} for name in listed_only]
    files[f"{root}/Photos/Photo Details.csv"] = icloud_details(rows)
    return files
