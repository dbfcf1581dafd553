"""Videos through the API in tests: uploaded, read back whole, probed, their posters seen."""

from __future__ import annotations

import io

import av
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def upload(client, name: str, data: bytes, after_commit=None):
    files = {"file": [SimpleUploadedFile(name, data)]}
    if after_commit is None:
        return client.post("/api/v1/photos", files)
    with after_commit():
        return client.post("/api/v1/photos", files)


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def probe(data: bytes) -> dict:
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        frame = next(container.decode(video))
        return {
            "codec": video.codec_context.name,
            "size": (frame.width, frame.height),
            "audio": [s.codec_context.name for s in container.streams.audio],
            "rotation": frame.rotation,
            "fast_start": data.find(b"moov") < data.find(b"mdat"),
        }


def poster(client, item: dict, size: str = "md") -> Image.Image:
    response = client.get(item["thumbnail_url"].replace("size=sm", f"size={size}"))
    assert response.status_code == 200, response.content
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def near(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))
