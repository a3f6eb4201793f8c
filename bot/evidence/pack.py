"""The evidence pack: one ZIP a clerk can hand to the police or a platform's report form.

Layout::

    summary.pdf                 what, who, when, which policy clauses, what the council did
    items/<n>/snapshot.pdf      the post as a person saw it, drawn from the stored evidence
    items/<n>/raw.json          the payload exactly as the platform sent it (canonical JSON)
    items/<n>/evidence.json     the evidence record, its hashes, findings, decision and audit trail
    items/<n>/media/...         attachments and the author's avatar as fetched
    manifest.json               every file's SHA-256 and size, the items and the chain check
    SHA256SUMS                  the same hashes for ``sha256sum -c``

Making a pack is itself written to the audit log, with the pack's own SHA-256.
"""

from __future__ import annotations

import io
import json
import mimetypes
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot import audit
from bot.evidence.chain import VerifyReport, verify_all
from bot.evidence.gather import ItemEvidence, load_item_evidence
from bot.evidence.media import Store
from bot.evidence.pdf import LONDON
from bot.evidence.snapshot import render_snapshot
from bot.evidence.summary import render_summary
from bot.storage.db import transaction

FORMAT = "council-modbot evidence pack 1"


@dataclass(frozen=True)
class EvidencePack:
    filename: str
    data: bytes
    sha256: str
    manifest: dict[str, Any]


def build_evidence_pack(store: Store, item_ids: list[int], actor: str, now: datetime) -> EvidencePack:
    """Build the pack for ``item_ids`` (raises ``NotFound`` for an unknown item) and audit it."""
    council = store.settings.council.name
    ids = list(dict.fromkeys(int(i) for i in item_ids))
    with store.sessions() as s:  # read, then render outside the transaction (SQLite locks on begin)
        chain = verify_all(s)
        evidences = [load_item_evidence(s, i) for i in ids]
    files = _item_files(evidences, council, now)
    files["summary.pdf"] = render_summary(evidences, council, now, actor, chain)
    manifest = _manifest(files, evidences, chain, council, actor, now)
    files["manifest.json"] = _json(manifest)
    files["SHA256SUMS"] = _sums(files)
    data = _zip(files, now)
    sha = audit.sha256_hex(data)
    with transaction(store.sessions) as s:
        audit.record(s, actor, "evidence.exported", "evidence_pack", sha[:16],
                     {"item_ids": ids, "pack_sha256": sha, "files": len(files)}, at=now)
    return EvidencePack(_filename(council, ids, now), data, sha, manifest)


def write_pack(pack: EvidencePack, path: Path) -> None:
    """Write a pack readable only by its owner (it holds personal data)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pack.data)
    os.chmod(path, 0o600)


def _item_files(evidences: list[ItemEvidence], council: str, now: datetime) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for ev in evidences:
        base = f"items/{ev.item_id}"
        files[f"{base}/snapshot.pdf"] = render_snapshot(ev, council, now)
        files[f"{base}/raw.json"] = ev.raw.encode("utf-8")
        media_names: dict[int, str] = {}
        for n, mf in enumerate(ev.media, 1):
            if mf.data is None:
                continue
            ext = mimetypes.guess_extension(mf.content_type or "") or ".bin"
            name = f"{base}/media/{'avatar' if mf.is_avatar else n}-{(mf.sha256 or '')[:12]}{ext}"
            files[name] = mf.data
            media_names[mf.id] = name
        files[f"{base}/evidence.json"] = _json(_evidence_record(ev, media_names))
    return files


def _evidence_record(ev: ItemEvidence, media_names: dict[int, str]) -> dict[str, Any]:
    return {
        "item_id": ev.item_id, "account": ev.account, "platform": ev.platform,
        "evidence": ev.document, "evidence_sha256": ev.digest, "evidence_sha256_at_capture": ev.captured_digest,
        "raw_payload_intact": ev.raw_intact, "deleted_by_author_noticed_at": ev.deleted_at,
        "legal_hold": ev.legal_hold_reason, "findings": ev.findings, "review": ev.review, "actions": ev.actions,
        "media": [{"file": media_names.get(mf.id), "url": mf.url, "content_type": mf.content_type,
                   "size": mf.size, "sha256": mf.sha256, "avatar": mf.is_avatar, "error": mf.error}
                  for mf in ev.media],
        "audit_trail": ev.audit,
    }


def _manifest(files: dict[str, bytes], evidences: list[ItemEvidence], chain: VerifyReport, council: str,
              actor: str, now: datetime) -> dict[str, Any]:
    return {
        "format": FORMAT, "council": council, "generated_at": now.isoformat(), "generated_by": actor,
        "items": [{"item_id": ev.item_id, "remote_id": ev.document["remote_id"], "url": ev.document["url"],
                   "raw_sha256": ev.document["raw_sha256"], "evidence_sha256": ev.digest,
                   "matches_capture_record": ev.captured_digest == ev.digest} for ev in evidences],
        "chain": {"ok": chain.ok, "audit_rows": chain.audit_rows, "head_hash": chain.head_hash,
                  "first_problem": str(chain.first) if chain.first else None},
        "files": [{"path": path, "sha256": audit.sha256_hex(data), "size": len(data)}
                  for path, data in sorted(files.items())],
    }


def _sums(files: dict[str, bytes]) -> bytes:
    return "".join(f"{audit.sha256_hex(data)}  {path}\n" for path, data in sorted(files.items())).encode()


def _json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n").encode("utf-8")


def _zip(files: dict[str, bytes], now: datetime) -> bytes:
    stamp = now.astimezone(LONDON).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            zf.writestr(info, files[path])
    return buffer.getvalue()


def _filename(council: str, ids: list[int], now: datetime) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", council.lower()).strip("-")[:40] or "council"
    first = f"item-{ids[0]}" + (f"-and-{len(ids) - 1}-more" if len(ids) > 1 else "")
    return f"evidence-{slug}-{first}-{now.astimezone(LONDON):%Y%m%d-%H%M}.zip"
