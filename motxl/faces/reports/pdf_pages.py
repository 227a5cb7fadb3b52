"""Small PDF pages drawn with pypdf alone: text lines (cover, contents) and page-number stamps.

LibreOffice prints the tabs; what it cannot know — the booklet's own page numbers and contents —
is drawn here in the PDF standard fonts (Helvetica, WinAnsi encoding: French accents, « », €,
no-break space), so no drawing library and no font file are needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from pypdf import PageObject
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

_FONTS = {"F1": "Helvetica", "F2": "Helvetica-Bold", "F3": "Helvetica-Oblique"}
NAVY = (0x1F / 255, 0x38 / 255, 0x64 / 255)
GREY = (0.35, 0.35, 0.35)
BLACK = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class TextLine:
    """A line of text at (x, y) in points from the bottom-left corner."""

    text: str
    x: float
    y: float
    size: float = 11.0
    font: str = "F1"  # F1 regular, F2 bold, F3 italic
    color: tuple[float, float, float] = BLACK
    align: str = "left"  # left | right | center


def text_width(text: str, size: float) -> float:
    """An estimate of Helvetica's width (points): enough to align, wrap and right-justify."""
    em = 0.0
    for ch in text:
        if ch.isdigit():
            em += 0.556  # Helvetica's digits are all this wide: page numbers align exactly
        elif ch in " \u00a0\u202f":
            em += 0.278
        elif ch in "il.,;:'!|":
            em += 0.25
        elif ch.isupper() or ch in "—–€%@mwMW":
            em += 0.70
        else:
            em += 0.53
    return em * size


def fit(text: str, width: float, size: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width`` points."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _literal(text: str) -> bytes:
    """A PDF string literal in WinAnsi (cp1252); characters it lacks become close ones."""
    text = text.replace("\u202f", "\u00a0").replace("\u2009", " ")
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: Sequence[TextLine]) -> bytes:
    out = []
    for line in lines:
        x = line.x
        if line.align == "right":
            x -= text_width(line.text, line.size)
        elif line.align == "center":
            x -= text_width(line.text, line.size) / 2
        r, g, b = line.color
        out.append(b"BT /%s %.1f Tf %.3f %.3f %.3f rg %.2f %.2f Td " % (
            line.font.encode(), line.size, r, g, b, x, line.y) + _literal(line.text) + b" Tj ET")
    return b"\n".join(out)


def _fonts() -> DictionaryObject:
    fonts = DictionaryObject()
    for key, base in _FONTS.items():
        fonts[NameObject("/" + key)] = DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/" + base),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    return fonts


def text_page(width: float, height: float, lines: Sequence[TextLine],
              rules: Sequence[tuple[float, float, float]] = (),
              leaders: Sequence[tuple[float, float, float]] = ()) -> PageObject:
    """A new page holding ``lines``, horizontal rules (x0, x1, y) in navy and dotted leaders
    (x0, x1, y) in grey (contents lines)."""
    page = PageObject.create_blank_page(width=width, height=height)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): _fonts()})
    drawing = b"".join(b"%.3f %.3f %.3f RG 1 w %.2f %.2f m %.2f %.2f l S\n" % (*NAVY, x0, y, x1, y)
                       for x0, x1, y in rules)
    drawing += b"".join(b"q 0.6 0.6 0.6 RG 0.8 w 1 J [0 3] 0 d %.2f %.2f m %.2f %.2f l S Q\n"
                        % (x0, y, x1, y) for x0, x1, y in leaders if x1 > x0)
    stream = DecodedStreamObject()
    stream.set_data(drawing + _content(lines))
    page[NameObject("/Contents")] = stream
    return page


def stamp(page: PageObject, lines: list[TextLine]) -> None:
    """Draw ``lines`` over an existing page (e.g. its page number)."""
    box = page.mediabox
    overlay = text_page(float(box.width), float(box.height), lines)
    page.merge_page(overlay)
