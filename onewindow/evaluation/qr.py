"""QR codes of the window rating pads (segno, inline SVG: no image files, no outside call)."""

from __future__ import annotations

import segno


def svg(url: str, *, scale: int = 5) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=scale, border=2, title=url))
