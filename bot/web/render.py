"""Showing untrusted posts safely.

Everything a post contains was written by a stranger. Plain text is escaped piece
by piece (with the matched words wrapped in ``<mark>``); Mastodon's HTML goes
through nh3 with a strict allow-list (paragraphs, line breaks, links to http(s)
only); Bluesky links come from the post's facets, never from the text itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {"p", "br", "a", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
LINK_REL = "nofollow noopener noreferrer ugc"
SAFE_SCHEMES = ("http://", "https://")


def sanitise_html(markup: str) -> Markup:
    """Mastodon status HTML reduced to text, paragraphs and http(s) links."""
    cleaned = nh3.clean(markup or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                        url_schemes={"http", "https"}, link_rel=LINK_REL, strip_comments=True,
                        clean_content_tags={"script", "style"})
    return Markup(cleaned)  # noqa: S704 - the output of nh3's allow-list sanitiser


@dataclass(frozen=True)
class Link:
    start: int
    end: int
    url: str


def safe_url(url: str) -> str | None:
    url = (url or "").strip()
    return url if url.lower().startswith(SAFE_SCHEMES) and not any(c in url for c in "\"'<> \n\t") else None


def _clamp_ranges(spans: Iterable[dict[str, Any]], length: int) -> list[tuple[int, int]]:
    ranges = []
    for span in spans:
        try:
            start, end = int(span["start"]), int(span["end"])
        except (KeyError, TypeError, ValueError):
            continue
        start, end = max(0, start), min(length, end)
        if start < end:
            ranges.append((start, end))
    return ranges


def highlight(text: str, spans: Iterable[dict[str, Any]], links: Iterable[Link] = ()) -> Markup:
    """Escape ``text`` segment by segment, marking matched spans and linking facet ranges."""
    text = text or ""
    marks = _clamp_ranges(spans, len(text))
    good_links = [lk for lk in links if safe_url(lk.url) and 0 <= lk.start < lk.end <= len(text)]
    cuts = sorted({0, len(text), *(p for r in marks for p in r), *(p for lk in good_links for p in (lk.start, lk.end))})
    out: list[str] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = str(escape(text[start:end]))
        if any(a <= start and end <= b for a, b in marks):
            piece = f"<mark>{piece}</mark>"
        link = next((lk for lk in good_links if lk.start <= start and end <= lk.end), None)
        if link is not None:
            piece = f'<a href="{escape(link.url)}" rel="{LINK_REL}">{piece}</a>'
        out.append(piece)
    return Markup("".join(out))  # noqa: S704 - every piece was escaped above


def bluesky_links(raw: str, text: str) -> list[Link]:
    """Link facets of a Bluesky post (byte offsets in UTF-8) as character ranges."""
    try:
        payload = json.loads(raw)
    except (TypeError, ValueError):
        return []
    record = payload.get("record") if isinstance(payload, dict) else None
    facets = record.get("facets") if isinstance(record, dict) else None
    if not isinstance(facets, list):
        return []
    encoded = text.encode("utf-8")
    links = []
    for facet in facets:
        link = _facet_link(facet, encoded)
        if link is not None:
            links.append(link)
    return links


def _facet_link(facet: Any, encoded: bytes) -> Link | None:
    try:
        index, features = facet["index"], facet["features"]
        start_b, end_b = int(index["byteStart"]), int(index["byteEnd"])
        uri = next(f["uri"] for f in features if str(f.get("$type", "")).endswith("#link"))
    except (KeyError, TypeError, ValueError, StopIteration, AttributeError):
        return None
    if not 0 <= start_b < end_b <= len(encoded) or not isinstance(uri, str):
        return None
    start = len(encoded[:start_b].decode("utf-8", "ignore"))
    end = len(encoded[:end_b].decode("utf-8", "ignore"))
    return Link(start, end, uri) if start < end else None


def post_body(platform: str, text: str, raw: str, spans: Iterable[dict[str, Any]]) -> Markup:
    """The post as plain text with matched words marked (and Bluesky's links)."""
    links = bluesky_links(raw, text) if platform == "bluesky" else []
    return highlight(text, spans, links)


def pretty_json(raw: str) -> str:
    """The raw payload, indented for reading (escaped by the template)."""
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return raw or ""


def untrusted(value: Any) -> Markup:
    """A stranger's name, handle or other short text, escaped and isolated for direction
    (``<bdi>``): a right-to-left override inside it cannot reverse the page's text
    after it. The ``untrusted`` class lets a long unbroken string wrap anywhere."""
    return Markup('<bdi class="untrusted">{}</bdi>').format("" if value is None else value)
