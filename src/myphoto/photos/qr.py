"""QR codes as SVG markup to put in a page (an authenticator app's key, a backup app's
password): black on white whatever the theme, as cameras read best; named for screen
readers."""

from __future__ import annotations

import segno
from django.utils.html import escape


def qr_code_svg(text: str, *, label: str) -> str:
    svg = segno.make(text, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", omitsize=True
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
