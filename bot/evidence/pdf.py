"""Shared PDF set-up for snapshots and summaries (reportlab, no system tools).

Text is drawn with DejaVu Sans when the system has it (wide Unicode coverage) and
otherwise with the Vera font bundled in reportlab. A character the font cannot
draw is written as its code point, e.g. ``[U+1F621]``, so nothing a person posted
silently disappears from the page. PDFs are generated "invariant" (no random id,
fixed internal date): the same evidence gives the same bytes.
"""

from __future__ import annotations

import io
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, SimpleDocTemplate

from bot.uk_time import UK, for_the_record

LONDON = UK  # evidence file names and ZIP stamps are in UK time too
_SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
_BUNDLED_FONTS = Path(reportlab.__file__).parent / "fonts"
_lock = threading.Lock()
_glyphs: set[int] = set()
FONT, BOLD = "EvidenceSans", "EvidenceSans-Bold"


def _register_fonts() -> None:
    with _lock:
        if _glyphs:
            return
        regular, bold = _SYSTEM_FONTS / "DejaVuSans.ttf", _SYSTEM_FONTS / "DejaVuSans-Bold.ttf"
        if not (regular.is_file() and bold.is_file()):
            regular, bold = _BUNDLED_FONTS / "Vera.ttf", _BUNDLED_FONTS / "VeraBd.ttf"
        font = TTFont(FONT, str(regular))
        pdfmetrics.registerFont(font)
        pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
        _glyphs.update(font.face.charToGlyph)


def clean(text: Any) -> str:
    """Plain text made safe for a reportlab paragraph: escaped, line breaks kept,
    characters the font lacks spelled out."""
    _register_fonts()
    out: list[str] = []
    for ch in str(text if text is not None else ""):
        code = ord(ch)
        if ch == "\n":
            out.append("<br/>")
        elif ch in " \t" or (code in _glyphs and code >= 32 and not _invisible(code)):
            out.append(escape(ch))
        else:  # missing from the font, or invisible (zero-width characters can hide words)
            out.append(f"[U+{code:04X}]")
    return "".join(out)


def _invisible(code: int) -> bool:
    """Zero-width and direction-control characters: spelled out, so a hidden word break
    or a right-to-left override in a post is visible on the page, not obeyed."""
    return (0x200B <= code <= 0x200F or 0x202A <= code <= 0x202E or 0x2060 <= code <= 0x2069
            or code in (0xFEFF, 0x00AD, 0x061C))


def when(value: datetime | str | None) -> str:
    """A time as a clerk reads it (UK local) with the exact UTC instant."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return for_the_record(value)


def styles() -> dict[str, ParagraphStyle]:
    _register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=15, leading=19, spaceAfter=4),
        "heading": ParagraphStyle("heading", parent=base, fontName=BOLD, fontSize=11.5, leading=15,
                                  spaceBefore=8, spaceAfter=3),
        "body": base,
        "post": ParagraphStyle("post", parent=base, fontSize=12, leading=16.5, borderColor=colors.grey,
                               borderWidth=0.5, borderPadding=6, spaceBefore=6, spaceAfter=10,
                               backColor=colors.HexColor("#f6f6f6")),
        "context": ParagraphStyle("context", parent=base, textColor=colors.HexColor("#444444"), leftIndent=10,
                                  borderColor=colors.HexColor("#bbbbbb"), borderWidth=0.5, borderPadding=5,
                                  spaceBefore=4, spaceAfter=8),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5,
                                textColor=colors.HexColor("#333333")),
        "warning": ParagraphStyle("warning", parent=base, fontName=BOLD, textColor=colors.HexColor("#9b1c1c")),
    }


def _fit(text: str, width: float, size: float) -> str:
    """``text`` shortened (with an ellipsis) to fit ``width`` points."""
    if pdfmetrics.stringWidth(text, FONT, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text + "…"


def build_pdf(flowables: list[Flowable], title: str, footer: str) -> bytes:
    """Lay out ``flowables`` on A4 pages numbered "page n", with ``footer`` on each."""
    _register_fonts()
    buffer = io.BytesIO()

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.drawString(18 * mm, 11 * mm, _fit(footer, A4[0] - 36 * mm, 7.5))
        canvas.drawRightString(A4[0] - 18 * mm, 7 * mm, f"page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="council-modbot", invariant=1,
                            leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=18 * mm)
    doc.build(flowables, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
