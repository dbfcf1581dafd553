"""Real sample images made by the tests themselves."""

from __future__ import annotations

import io
import random

from PIL import Image


def make_image(width: int = 64, height: int = 48, *, seed: int = 0) -> Image.Image:
    """An image with noise, so that each seed gives different bytes."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (rng.randrange(256), 120, 200))
    pixels = image.load()
    for _ in range(max(50, width * height // 50)):
        pixels[rng.randrange(width), rng.randrange(height)] = (
            rng.randrange(256),
            rng.randrange(256),
            rng.randrange(256),
        )
    return image


def encode(image: Image.Image, fmt: str = "JPEG", **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def jpeg(width: int = 64, height: int = 48, *, seed: int = 0, exif=None) -> bytes:
    params = {"quality": 90}
    if exif is not None:
        params["exif"] = exif
    return encode(make_image(width, height, seed=seed), "JPEG", **params)


def png(width: int = 64, height: int = 48, *, seed: int = 0) -> bytes:
    return encode(make_image(width, height, seed=seed), "PNG")


def noise_png(width: int, height: int, *, seed: int = 0) -> bytes:
    """A PNG of random pixels: it cannot compress, so its size is about 3 bytes a pixel."""
    rng = random.Random(seed)
    return encode(Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3)), "PNG")
