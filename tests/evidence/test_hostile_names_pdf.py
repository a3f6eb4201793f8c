"""Names and posts written by strangers in the evidence PDFs: a right-to-left override
is spelled out ([U+202E]) rather than obeyed, and a 3,000-character name or post with
no spaces wraps inside the page instead of running off it."""

from __future__ import annotations

import pypdfium2 as pdfium

from bot.bootstrap import App
from bot.evidence.chain import verify_all
from bot.evidence.gather import load_item_evidence
from bot.evidence.snapshot import render_snapshot
from bot.evidence.summary import render_summary
from tests.evidence.helpers import domain_item, ingest
from tests.support import FakeClock

LONG = "W" * 3000


def characters(pdf: bytes) -> tuple[str, list[tuple[float, float]]]:
    """The text of every page and, for each drawn character, its left and right edge
    as a fraction of the page width."""
    doc = pdfium.PdfDocument(pdf)
    text, edges = [], []
    for page in doc:
        width = page.get_width()
        textpage = page.get_textpage()
        text.append(textpage.get_text_range())
        for i in range(textpage.count_chars()):
            left, _, right, _ = textpage.get_charbox(i)
            if right > left:
                edges.append((left / width, right / width))
    return "".join(text), edges


def test_hostile_names_in_snapshot_and_summary(app: App, clock: FakeClock) -> None:
    item = domain_item(950, f"Hello \u202ecouncil {LONG}", clock.now, display=f"Jo \u202eBloggs {LONG}",
                       handle="h" * 3000 + "@town.example")
    [item_id] = ingest(app, [item], clock.now)
    with app.sessions() as s:
        ev = load_item_evidence(s, item_id)
        chain = verify_all(s)
    for pdf in (render_snapshot(ev, "Thornbury Town Council", clock.now),
                render_summary([ev], "Thornbury Town Council", clock.now, "clerk", chain)):
        text, edges = characters(pdf)
        assert "Jo [U+202E]Bloggs" in text and "Hello [U+202E]council" in text
        assert "\u202e" not in text
        assert len(edges) > 9000  # the long strings are all drawn...
        assert all(0 <= left and right <= 1 for left, right in edges)  # ...and all of it on the page
