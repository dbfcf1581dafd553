"""Draw MyPhoto's app icons (a sun over two hills, white on the accent blue) into
src/myphoto/photos/static/photos/icons/: `python docs/icons.py`. The PNGs are committed;
this says how they were made, to make them again at other sizes."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "src/myphoto/photos/static/photos/icons"
ACCENT = (26, 86, 219, 255)  # app.css --accent (light)
WHITE = (255, 255, 255, 255)
SCALE = 4  # drawn this much larger, then reduced: smooth edges


def glyph(draw: ImageDraw.ImageDraw, size: int, inset: float) -> None:
    """The sun and the hills in the square `size`, leaving `inset` of it on each side."""
    side = size * (1 - 2 * inset)

    def at(x: float, y: float) -> tuple[float, float]:
        return (size * inset + x / 64 * side, size * inset + y / 64 * side)

    sun, radius = at(44, 20), 6 / 64 * side
    draw.ellipse([sun[0] - radius, sun[1] - radius, sun[0] + radius, sun[1] + radius], WHITE)
    draw.polygon([at(8, 50), at(24, 28), at(34, 41), at(40, 34), at(56, 50)], WHITE)


def icon(size: int, *, rounded: bool, inset: float) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 14 // 64, fill=ACCENT)
    else:
        draw.rectangle([0, 0, big, big], fill=ACCENT)
    glyph(draw, big, inset)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, rounded=True, inset=0).save(ICONS / f"icon-{size}.png", optimize=True)
        # Maskable: the platform cuts its own shape; what matters stays in the middle 80 %.
        icon(size, rounded=False, inset=0.14).save(
            ICONS / f"icon-maskable-{size}.png", optimize=True
        )
    # iOS rounds the corners itself and shows transparency as black.
    icon(180, rounded=False, inset=0.06).convert("RGB").save(ICONS / "apple-touch-icon.png")
    favicon = icon(64, rounded=True, inset=0)
    favicon.save(ICONS / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"icons in {ICONS}")


if __name__ == "__main__":
    main()
