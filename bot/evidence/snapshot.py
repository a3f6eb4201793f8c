"""A rendered snapshot of a post as a person saw it, in place of a manual screenshot.

The page is drawn only from the evidence stored at capture (author as seen then,
thread context, text, attachments fetched later), so it can be regenerated at any
time and checked against the hashes printed at its foot.
"""

from __future__ import annotations

import io
import logging
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

from bot.evidence.gather import ItemEvidence, MediaFile
from bot.evidence.pdf import BOLD, build_pdf, clean, styles, when

log = logging.getLogger(__name__)

LONG_AUTHOR_BLOCK = 1500  # characters: beyond this the author's details may not fit beside the picture on one page
KIND_WORDS = {"reply": "reply", "mention": "mention", "quote": "quote post", "dm": "direct message"}


def render_snapshot(ev: ItemEvidence, council: str, generated_at: datetime) -> bytes:
    """One PDF page (or more for a long post) showing the post, its author and its thread."""
    st = styles()
    kind = KIND_WORDS.get(str(ev.document["kind"]), str(ev.document["kind"]))
    flow: list[Flowable] = [
        Paragraph(clean(f"Snapshot of a {kind} on {ev.platform} (item {ev.item_id})"), st["title"]),
        Paragraph(clean(f"Rendered for {council} by council-modbot on {when(generated_at)} from the evidence "
                        "stored when the post was captured. It is not a screen capture: the stored text and "
                        "hashes below are the record."), st["small"]),
        Spacer(1, 4 * mm),
    ]
    flow += _status_lines(ev, st)
    if ev.document.get("context_text"):
        flow.append(Paragraph(clean("In reply to:"), st["body"]))
        flow.append(Paragraph(clean(ev.document["context_text"]), st["context"]))
    flow += _author_block(ev, st)
    flow.append(Paragraph(clean(ev.document.get("text") or "(no text)"), st["post"]))
    flow += _attachments(ev, st)
    flow += _footer_facts(ev, st)
    return build_pdf(flow, title=f"Snapshot of item {ev.item_id}",
                     footer=f"{council}: item {ev.item_id}, evidence SHA-256 {ev.digest[:16]}…")


def _status_lines(ev: ItemEvidence, st: dict) -> list[Flowable]:
    lines: list[Flowable] = []
    if ev.deleted_at:
        lines.append(Paragraph(clean(f"The author deleted this post; the bot noticed on {when(ev.deleted_at)}. "
                                     "The record below is what was captured before."), st["warning"]))
    if ev.minimised_at:
        lines.append(Paragraph(clean(f"Content removed under the retention policy on {when(ev.minimised_at)}."),
                               st["warning"]))
    if ev.legal_hold_reason:
        lines.append(Paragraph(clean(f"Under legal hold: {ev.legal_hold_reason}"), st["body"]))
    return lines


def _author_block(ev: ItemEvidence, st: dict) -> list[Flowable]:
    a = ev.author
    facts = [
        f"<font name='{BOLD}'>{clean(a.get('display_name') or a.get('handle') or 'unknown author')}</font>",
        clean(f"@{str(a.get('handle') or '').lstrip('@')}  (account id {a.get('remote_id') or 'unknown'})"),
        clean(f"Posted {when(ev.document.get('created_at'))}"),
        clean(f"Captured by the bot {when(ev.document.get('captured_at'))}"),
    ]
    if a.get("created_at"):
        facts.append(clean(f"Account created {when(a['created_at'])}"))
    if a.get("followers_count") is not None:
        facts.append(clean(f"{a['followers_count']} followers, {a.get('posts_count') or 0} posts when captured"))
    text = Paragraph("<br/>".join(facts), st["body"])
    avatar = next((_image(mf, 16 * mm, 16 * mm) for mf in ev.media if mf.is_avatar and mf.data), None)
    if len(text.getPlainText()) > LONG_AUTHOR_BLOCK:
        # A table row cannot break across pages: a name thousands of characters long
        # would make the page impossible to lay out, so it flows as plain paragraphs.
        return [f for f in (avatar, text) if f is not None]
    table = Table([[avatar or "", text]], colWidths=[20 * mm, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [table]


def _attachments(ev: ItemEvidence, st: dict) -> list[Flowable]:
    files = [mf for mf in ev.media if not mf.is_avatar]
    flow: list[Flowable] = []
    for n, mf in enumerate(files, 1):
        picture = _image(mf, 150 * mm, 110 * mm) if mf.data else None
        if picture is not None:
            flow += [picture, Spacer(1, 2 * mm)]
        flow.append(Paragraph(clean(_media_caption(n, mf)), st["small"]))
    return flow


def _media_caption(n: int, mf: MediaFile) -> str:
    if mf.data is not None:
        return f"Attachment {n}: {mf.content_type or 'file'}, {mf.size} bytes, SHA-256 {mf.sha256}, from {mf.url}"
    if mf.error:
        return f"Attachment {n} could not be kept ({mf.error}); it was at {mf.url}"
    return f"Attachment {n} is waiting to be fetched from {mf.url}"


def _image(mf: MediaFile, max_w: float, max_h: float) -> Image | None:
    """A scaled picture, or None for videos and files that are not readable images."""
    if not mf.data:
        return None
    try:
        width, height = ImageReader(io.BytesIO(mf.data)).getSize()
    except Exception:  # not an image reportlab/Pillow can draw: listed by its caption instead
        log.debug("attachment %s is not a drawable image", mf.id)
        return None
    scale = min(max_w / width, max_h / height, 1.0)
    return Image(io.BytesIO(mf.data), width=width * scale, height=height * scale, hAlign="LEFT")


def _footer_facts(ev: ItemEvidence, st: dict) -> list[Flowable]:
    match = ("matches" if ev.captured_digest == ev.digest else
             "DOES NOT MATCH" if ev.captured_digest else "has no capture record for")
    lines = [
        f"Link: {ev.document.get('url') or '(none)'}",
        f"Platform id: {ev.document.get('remote_id')}",
        f"Raw payload SHA-256: {ev.document.get('raw_sha256')}"
        + ("" if ev.raw_intact else "  (the stored payload no longer matches this hash)"),
        f"Evidence SHA-256: {ev.digest} ({match} the digest recorded in the audit log at capture)",
    ]
    return [Spacer(1, 4 * mm)] + [Paragraph(clean(line), st["small"]) for line in lines]
