"""Writing a subject access bundle: readable HTML, the same data as JSON, and attachments."""

from __future__ import annotations

import json
import mimetypes
import os
from html import escape
from pathlib import Path
from typing import Any

from bot.action_words import done, to_do
from bot.evidence.gather import ItemEvidence
from bot.evidence.pdf import when

KINDS = {"reply": "Reply to the council", "mention": "Mention of the council", "quote": "Quote of a council post",
         "dm": "Direct message to the council"}
STYLE = ("body{font-family:sans-serif;max-width:52rem;margin:2rem auto;line-height:1.45;color:#222}"
         "article{border:1px solid #ccc;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}"
         "blockquote{background:#f5f5f5;margin:.4rem 0;padding:.5rem .8rem;white-space:pre-wrap}"
         ".context{color:#555;font-size:.92em}.small{font-size:.85em;color:#555}"
         "th,td{text-align:left;padding:.2rem .6rem}")


def write_bundle(out_dir: Path, data: dict[str, Any]) -> list[Path]:
    """Write ``subject.html``, ``subject.json`` and ``media/`` files (owner-only); return their paths."""
    media_names = _write_media(out_dir, data["items"])
    written = list(media_names.values())
    document = _json_document(data, media_names)
    written.append(_write(out_dir / "subject.json", json.dumps(document, indent=2, ensure_ascii=False,
                                                               sort_keys=True, default=str).encode("utf-8")))
    written.append(_write(out_dir / "subject.html", _html(data, media_names).encode("utf-8")))
    return written


def _write(path: Path, content: bytes) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    return path


def _write_media(out_dir: Path, items: list[ItemEvidence]) -> dict[int, Path]:
    names: dict[int, Path] = {}
    for ev in items:
        for n, mf in enumerate(ev.media, 1):
            if mf.data is None:
                continue
            folder = out_dir / "media"
            folder.mkdir(exist_ok=True, mode=0o700)
            ext = mimetypes.guess_extension(mf.content_type or "") or ".bin"
            names[mf.id] = _write(folder / f"item-{ev.item_id}-{'avatar' if mf.is_avatar else n}{ext}", mf.data)
    return names


def _json_document(data: dict[str, Any], media: dict[int, Path]) -> dict[str, Any]:
    items = []
    for ev in data["items"]:
        try:
            raw: Any = json.loads(ev.raw) if ev.raw else None
        except ValueError:
            raw = ev.raw
        items.append({"item_id": ev.item_id, "platform": ev.platform, "council_account": ev.account,
                      "as_captured": ev.document, "raw_payload": raw, "deleted_by_author_noticed_at": ev.deleted_at,
                      "minimised_at": ev.minimised_at, "legal_hold": bool(ev.legal_hold_reason),
                      "findings": ev.findings, "review": ev.review, "actions": ev.actions,
                      "attachments": [{"file": media[mf.id].name if mf.id in media else None, "url": mf.url,
                                       "sha256": mf.sha256, "avatar": mf.is_avatar} for mf in ev.media]})
    return {"request": data["request"], "council": data["council"], "generated_at": data["generated_at"],
            "retention_days": data["retention"], "accounts": data["accounts"], "items": items,
            "automatic_replies_sent": data["replies_sent"]}


def _html(data: dict[str, Any], media: dict[int, Path]) -> str:
    council = escape(data["council"])
    r = data["retention"]
    parts = [
        f"<!doctype html><html lang='en'><meta charset='utf-8'><title>Information held by {council}</title>"
        f"<style>{STYLE}</style><body><h1>Information {council} holds about {escape(data['request'])}</h1>",
        f"<p>Prepared on {escape(when(data['generated_at']))} in answer to a subject access request. {council} "
        "uses a moderation tool on its social-media accounts: it keeps posts written to the council so that the "
        "council can apply its social-media policy and keep a record of abuse. Posts with nothing wrong in them "
        f"are deleted after {r['unflagged_days']} days; posts that broke the policy are kept for "
        f"{r['flagged_days']} days unless they are needed for legal proceedings (a legal hold).</p>",
        "<h2>Accounts and names</h2>", _accounts_html(data["accounts"]),
        f"<h2>Posts and messages ({len(data['items'])})</h2>",
    ]
    parts += [_item_html(ev, media) for ev in data["items"]] or ["<p>None are held now.</p>"]
    if data["replies_sent"]:
        parts.append("<h2>Automatic replies the council sent you</h2>")
        parts += [f"<p>{escape(when(o['sent_at']))}: {escape(o['text'])}</p>" for o in data["replies_sent"]
                  if o["state"] == "sent"]
    parts.append("<p class='small'>The same information is in subject.json, with the data exactly as each "
                 "platform sent it.</p></body></html>")
    return "\n".join(parts)


def _accounts_html(accounts: list[dict[str, Any]]) -> str:
    rows = ["<table><tr><th>Platform</th><th>Account id</th><th>Handle</th><th>Name</th><th>First seen</th></tr>"]
    for a in accounts:
        for alias in a["names_seen"] or [{"handle": a["handle"], "display_name": a["display_name"],
                                          "first_seen_at": a["first_seen_at"]}]:
            rows.append(f"<tr><td>{escape(a['platform'])}</td><td>{escape(a['account_id'])}</td>"
                        f"<td>@{escape(alias['handle'].lstrip('@'))}</td><td>{escape(alias['display_name'])}</td>"
                        f"<td>{escape(when(alias['first_seen_at']))}</td></tr>")
    return "\n".join(rows) + "</table>"


def _item_html(ev: ItemEvidence, media: dict[int, Path]) -> str:
    d = ev.document
    lines = [f"<article><h3>{escape(KINDS.get(str(d['kind']), str(d['kind'])))} on {escape(ev.platform)}, "
             f"{escape(when(d.get('created_at')))}</h3>"]
    if d.get("context_text"):
        lines.append(f"<div class='context'>In reply to:<blockquote>{escape(d['context_text'])}</blockquote></div>")
    lines.append(f"<blockquote>{escape(d.get('text') or '(content removed under the retention policy)')}</blockquote>")
    if d.get("url"):
        lines.append(f"<p class='small'>Link: {escape(d['url'])}</p>")
    lines += [f"<p>{escape(line)}</p>" for line in _status(ev)]
    for mf in ev.media:
        if mf.id in media:
            lines.append(f"<p class='small'>Attachment: <a href='media/{escape(media[mf.id].name)}'>"
                         f"{escape(media[mf.id].name)}</a></p>")
    lines.append("</article>")
    return "\n".join(lines)


def _status(ev: ItemEvidence) -> list[str]:
    out = [f"The moderation tool found: {f['explanation']} (policy {', '.join(f['clauses']) or 'general'})."
           for f in ev.findings]
    r = ev.review
    if r and r["status"] != "pending":
        out.append("The council upheld this finding as a breach of its policy." if r["status"] == "approved" else
                   "The council found no breach.")
    out += [f"The council's account {done(a['kind'], 'you')}." if a["state"] == "done" else
            f"The council's account tried to {to_do(a['kind'], 'you')}, but the platform did not allow it."
            for a in ev.actions if a["state"] in ("done", "failed")]
    if ev.deleted_at:
        out.append(f"You deleted this post; the council noticed on {when(ev.deleted_at)}.")
    if ev.legal_hold_reason:
        out.append("This item is kept under a legal hold and will not be deleted until the hold is released.")
    return out
