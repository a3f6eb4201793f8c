"""The summary page of an evidence pack: what, who, when, which clauses, what the council did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from bot.action_words import NO_ACTION_SENTENCES, doing, done, to_do
from bot.evidence.chain import VerifyReport
from bot.evidence.gather import ItemEvidence
from bot.evidence.pdf import build_pdf, clean, styles, when
from bot.evidence.snapshot import KIND_WORDS

SEVERITY = {1: "low", 2: "medium", 3: "high"}


def render_summary(items: list[ItemEvidence], council: str, generated_at: datetime, generated_by: str,
                   chain: VerifyReport) -> bytes:
    st = styles()
    flow: list[Flowable] = [
        Paragraph(clean(f"Evidence pack: {council}"), st["title"]),
        Paragraph(clean(f"Prepared by {generated_by} on {when(generated_at)} with council-modbot. It holds "
                        f"{len(items)} item(s): for each, a rendered snapshot, the raw payload exactly as the "
                        "platform sent it, the evidence record and any attachments. manifest.json and "
                        "SHA256SUMS list the SHA-256 of every file (check them with 'sha256sum -c SHA256SUMS')."),
                  st["body"]),
        Spacer(1, 3 * mm),
        Paragraph(clean(_chain_sentence(chain)), st["body"] if chain.ok else st["warning"]),
    ]
    for ev in items:
        flow += _item_section(ev, st)
    return build_pdf(flow, title=f"Evidence pack: {council}",
                     footer=f"{council}: evidence pack of {when(generated_at)}; chain head {chain.head_hash[:16]}")


def _chain_sentence(chain: VerifyReport) -> str:
    if chain.ok:
        return (f"Integrity: when this pack was made, the council's tamper-evident record was checked in full "
                f"and found unaltered ({chain.audit_rows} audit entries, {chain.evidence_items} evidence "
                f"records, {chain.media_files} attachments). Latest entry hash: {chain.head_hash}.")
    return (f"Integrity WARNING: the council's record failed its check when this pack was made; first problem: "
            f"{chain.first}. Report this to the council's data protection officer.")


def _item_section(ev: ItemEvidence, st: dict) -> list[Flowable]:
    d, a = ev.document, ev.author
    kind = KIND_WORDS.get(str(d["kind"]), str(d["kind"]))
    flow: list[Flowable] = [
        Paragraph(clean(f"Item {ev.item_id}: {kind} on {ev.platform} (account {ev.account})"), st["heading"]),
        Paragraph(clean(f"Who: {a.get('display_name') or ''} @{str(a.get('handle') or '').lstrip('@')} "
                        f"(account id {a.get('remote_id')})"), st["body"]),
        Paragraph(clean(f"When: posted {when(d.get('created_at'))}; captured {when(d.get('captured_at'))}"
                        + (f"; deleted by the author, noticed {when(ev.deleted_at)}" if ev.deleted_at else "")),
                  st["body"]),
        Paragraph(clean(f"Where: {d.get('url') or d.get('remote_id')}"), st["body"]),
        Paragraph(clean("What was posted:"), st["body"]),
        Paragraph(clean(d.get("text") or "(no text)"), st["post"]),
    ]
    flow += _findings_table(ev, st)
    flow += _decision(ev, st)
    flow.append(Paragraph(clean(f"Files: items/{ev.item_id}/snapshot.pdf, raw.json, evidence.json"
                                + (", media/" if any(mf.data for mf in ev.media) else "")
                                + f". Evidence SHA-256 {ev.digest}."), st["small"]))
    return flow


def _findings_table(ev: ItemEvidence, st: dict) -> list[Flowable]:
    if not ev.findings:
        return [Paragraph(clean("Policy: no rule of the council's policy matched this item."), st["body"])]
    rows = [[Paragraph(clean(h), st["small"]) for h in ("Rule", "Ground", "Severity", "Policy clauses", "Why")]]
    for f in ev.findings:
        cells = (f["rule"], f["ground"], SEVERITY.get(f["severity"], str(f["severity"])),
                 ", ".join(f["clauses"]) or "-", f["explanation"])
        rows.append([Paragraph(clean(c), st["small"]) for c in cells])
    table = Table(rows, colWidths=[34 * mm, 22 * mm, 17 * mm, 32 * mm, None], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8"))]))
    return [Paragraph(clean("Which policy clauses:"), st["body"]), table, Spacer(1, 2 * mm)]


def action_line(act: dict[str, Any], who: str) -> str:
    """One carried-out (or attempted) action in words, never the platform's raw answer."""
    if act["state"] == "done":
        return f"The bot {done(act['kind'], who)} on {when(act['done_at'])}."
    if act["state"] == "failed":
        return f"The bot could not {to_do(act['kind'], who)}: {act.get('last_error') or 'no reason given'}."
    return f"Waiting to be carried out: {doing(act['kind'], who)}."


def _decision(ev: ItemEvidence, st: dict) -> list[Flowable]:
    r = ev.review
    if r is None:
        return [Paragraph(clean("What the council did: the item was not queued for review."), st["body"])]
    if r["status"] == "pending":
        text = "What the council did: the item is waiting for the clerk's decision."
    else:
        verdict = "upheld the finding as a breach" if r["status"] == "approved" else "found no breach"
        text = (f"What the council did: {r['decided_by']} {verdict} on {when(r['decided_at'])}"
                + (f", giving the reason: {r['reason']}" if r.get("reason") else "") + ".")
    lines = [text]
    if r.get("no_action_reason"):
        lines.append(NO_ACTION_SENTENCES.get(r["no_action_reason"], ""))
    if r.get("police_referral"):
        lines.append("The matter was marked for referral to the police.")
    elif r.get("police_referral_suggested"):
        lines.append("The rules suggested a possible police referral.")
    who = str(ev.author.get("handle") or "")
    lines += [action_line(act, who) for act in ev.actions if act["state"] not in ("proposed", "rejected")]
    return [Paragraph(clean(line), st["body"]) for line in lines]
