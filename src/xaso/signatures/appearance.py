"""The visible signature block, drawn with Pillow (Decree 30/2020, annex I — *verify*).

A personal signature shows the signing prefix and title, the signer's handwritten
signature image in blue and the name; an organisation signature shows the seal
image in red, placed so it overlaps about one third of the signer's image on the
left. Uploaded images are recoloured (dark strokes → blue or red, light background
→ transparent), so a scan on white paper works as well as a transparent PNG.
When nothing was uploaded a decent default is drawn: the name in a flowing blue
hand, or a red round seal with the organisation's name around the rim.

The text is rasterised with the DejaVu fonts (full Vietnamese coverage) rather
than set as PDF text: pyHanko's font embedding needs HarfBuzz, which the platform
does not ship.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont, ImageOps

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
BLUE = (0, 51, 204)
RED = (220, 20, 20)
INK = (20, 20, 20)
#: Pixels per PDF point: 3 px/pt ≈ 216 dpi, sharp when printed.
SCALE = 3

#: Size of the personal signing block in points, and where its image sits in it
#: (fractions of the width/height, from the bottom-left corner). The organisation's
#: seal is placed relative to this image.
PERSONAL_SIZE = (200.0, 110.0)
IMAGE_FRAME = (0.12, 0.22, 0.88, 0.70)
SEAL_SIZE = 92.0


@lru_cache(maxsize=16)
def font(size_px: int, bold: bool = False, italic: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSerif"
    if bold and italic:
        name += "-BoldItalic"
    elif bold:
        name += "-Bold"
    elif italic:
        name += "-Italic"
    try:
        return ImageFont.truetype(FONT_DIR + name + ".ttf", size_px)
    except OSError:  # a system without DejaVu: still legible, without diacritics perhaps
        return ImageFont.load_default(size_px)


def recolour(png: bytes, colour: tuple[int, int, int]) -> Image.Image:
    """Keep the strokes of an uploaded image, in ``colour``, on a transparent ground."""
    with Image.open(io.BytesIO(png)) as img:
        img.load()
        rgba = img.convert("RGBA")
    grey = ImageOps.grayscale(rgba.convert("RGB"))
    # Darkness of the stroke times the original alpha: white paper disappears.
    darkness = ImageOps.invert(grey)
    alpha = Image.composite(darkness, Image.new("L", rgba.size, 0), rgba.getchannel("A"))
    alpha = alpha.point(lambda v: 0 if v < 40 else min(255, int(v * 1.4)))
    out = Image.new("RGBA", rgba.size, (*colour, 0))
    out.putalpha(alpha)
    bbox = alpha.getbbox()
    return out.crop(bbox) if bbox else out


def default_signature(name: str) -> Image.Image:
    """The signer's name in a flowing blue hand, underlined with a stroke."""
    f = font(22 * SCALE, italic=True)
    text = name or "—"
    left, top, right, bottom = f.getbbox(text)
    w, h = right - left + 8 * SCALE, bottom - top + 14 * SCALE
    img = Image.new("RGBA", (w, h), (*BLUE, 0))
    d = ImageDraw.Draw(img)
    d.text((4 * SCALE - left, 2 * SCALE - top), text, font=f, fill=(*BLUE, 255))
    y = h - 5 * SCALE
    d.line([(2 * SCALE, y), (w - 2 * SCALE, y - 3 * SCALE)], fill=(*BLUE, 255), width=SCALE)
    return img


def default_seal(organisation: str) -> Image.Image:
    """A red round seal: two rings, the organisation's name around the rim, a star."""
    size = int(SEAL_SIZE * SCALE)
    img = Image.new("RGBA", (size, size), (*RED, 0))
    d = ImageDraw.Draw(img)
    c = size / 2
    colour = (*RED, 235)
    d.ellipse([2, 2, size - 3, size - 3], outline=colour, width=3 * SCALE)
    inner = size * 0.30
    d.ellipse([c - inner, c - inner, c + inner, c + inner], outline=colour, width=SCALE)
    _star(d, c, c, inner * 0.55, colour)
    text = (organisation or "").upper()
    if text:
        f = font(int(size * 0.085), bold=True)
        radius = size * 0.385
        # Spread the letters over the top ~300° of the rim, clockwise from the left.
        span = min(300.0, 12.0 * len(text) + 40)
        start = -90 - span / 2
        step = span / max(1, len(text) - 1) if len(text) > 1 else 0
        for i, ch in enumerate(text):
            angle = math.radians(start + i * step)
            x, y = c + radius * math.cos(angle), c + radius * math.sin(angle)
            glyph = Image.new("RGBA", (f.size * 2, f.size * 2), (*RED, 0))
            ImageDraw.Draw(glyph).text((f.size, f.size), ch, font=f, fill=colour, anchor="mm")
            glyph = glyph.rotate(-(start + i * step) - 90, resample=Image.BICUBIC)
            img.alpha_composite(glyph, (int(x - f.size), int(y - f.size)))
    return img


def _star(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour) -> None:
    points = []
    for i in range(10):
        rr = r if i % 2 == 0 else r * 0.42
        a = math.radians(-90 + i * 36)
        points.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(points, fill=colour)


def _fit(img: Image.Image, w: int, h: int) -> Image.Image:
    ratio = min(w / img.width, h / img.height)
    return img.resize(
        (max(1, int(img.width * ratio)), max(1, int(img.height * ratio))), Image.LANCZOS
    )


def _centred_text(d, y: int, text: str, f, width: int, fill) -> int:
    if not text:
        return y
    left, top, right, bottom = d.textbbox((0, 0), text, font=f)
    while right - left > width and f.size > 10:
        f = font(f.size - 2, bold="Bold" in f.path, italic="Italic" in f.path)
        left, top, right, bottom = d.textbbox((0, 0), text, font=f)
    d.text(((width - (right - left)) / 2 - left, y - top), text, font=f, fill=fill)
    return y + (bottom - top) + 3 * SCALE


def personal_block(
    *,
    signer_name: str,
    title: str,
    prefix: str,
    organisation: str,
    signed_at: str,
    signature_png: bytes | None,
    size: tuple[float, float] = PERSONAL_SIZE,
    show_text: bool = True,
) -> Image.Image:
    """The signing block of a person: prefix + title, blue signature image, name, time."""
    w, h = int(size[0] * SCALE), int(size[1] * SCALE)
    img = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    y = 2 * SCALE
    if not show_text:
        prefix = title = organisation = ""
    if prefix and organisation:
        y = _centred_text(
            d, y, f"{prefix} {organisation}".upper(), font(9 * SCALE, bold=True), w, INK
        )
    elif prefix:
        y = _centred_text(d, y, prefix.upper(), font(9 * SCALE, bold=True), w, INK)
    _centred_text(d, y, title.upper(), font(9 * SCALE, bold=True), w, INK)
    sig = recolour(signature_png, BLUE) if signature_png else default_signature(signer_name)
    x0, y0, x1, y1 = IMAGE_FRAME
    frame_w, frame_h = int((x1 - x0) * w), int((y1 - y0) * h)
    sig = _fit(sig, frame_w, frame_h)
    left = int(x0 * w) + (frame_w - sig.width) // 2
    top = int((1 - y1) * h) + (frame_h - sig.height) // 2
    img.alpha_composite(sig, (left, top))
    y = int((1 - y0) * h) + SCALE
    if show_text:
        y = _centred_text(d, y, signer_name, font(10 * SCALE, bold=True), w, INK)
    _centred_text(d, y, signed_at, font(7 * SCALE), w, BLUE)
    return img


def seal_block(*, organisation: str, signed_at: str, seal_png: bytes | None) -> Image.Image:
    """The organisation's seal in red with the time under it (transparent elsewhere)."""
    seal = recolour(seal_png, RED) if seal_png else default_seal(organisation)
    side = int(SEAL_SIZE * SCALE)
    seal = _fit(seal, side, side)
    text_h = 13 * SCALE
    img = Image.new("RGBA", (side, side + text_h), (255, 255, 255, 0))
    img.alpha_composite(seal, ((side - seal.width) // 2, (side - seal.height) // 2))
    d = ImageDraw.Draw(img)
    _centred_text(d, side + 4 * SCALE, signed_at, font(6 * SCALE), side, RED)
    return img


def block_size_points(img: Image.Image) -> tuple[float, float]:
    return img.width / SCALE, img.height / SCALE
