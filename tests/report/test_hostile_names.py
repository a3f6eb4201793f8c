"""Residents' handles and posts in the confidential annex PDF: a right-to-left override
stays inside its own text (the link after a post still reads left to right), and a
long unbroken handle or post wraps inside the page."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from bot.report.annex import AnnexRow, annex_context
from bot.report.months import Month
from bot.report.render import render_template, write_pdf

LINK = "https://modbot.example.gov.uk/items/41"


def row(author: str, excerpt: str) -> AnnexRow:
    return AnnexRow(when="3 Oct 2026, 10:00", platform="Mastodon", author=author, grounds="Harassment",
                    severity="medium", rules="harassment.insult", decision="approved", actions="none", police="",
                    excerpt=excerpt, link=LINK)


def test_annex_isolates_and_wraps_hostile_text(tmp_path: Path) -> None:
    rows = [row("@jo\u202eevil@town.example", "You are \u202eall liars"), row("@" + "h" * 250, "x" * 300)]
    html = render_template("annex.html", annex_context("Thornbury Town Council", Month(2026, 10), rows, "now"),
                           footer="CONFIDENTIAL", marking="Confidential")
    path = tmp_path / "annex.pdf"
    write_pdf(html, path)
    doc = pdfium.PdfDocument(path)
    text = ""
    for page in doc:
        width, textpage = page.get_width(), page.get_textpage()
        text += textpage.get_text_range()
        for i in range(textpage.count_chars()):
            left, _, right, _ = textpage.get_charbox(i)
            assert left >= 0 and right <= width, "text runs off the page"
    flat = "".join(text.split())
    assert flat.count(LINK) == 2  # the link after the reversed post still reads the right way round
    assert flat.count("h") >= 250  # the long handle is all there, wrapped
