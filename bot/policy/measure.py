"""Measuring the engine as the clerk sees it (development only).

A post counts as *flagged* when the engine returns any finding at all, whatever
the ground: that is what puts it in the clerk's queue. Besides flagged, each
labelled set says which grounds are *right* for its positives (OLID's offensive
posts: any abuse ground; SMS spam: spam), so a spam post flagged only as
"personal data" counts as flagged but not as the right ground.

Used by ``scripts/evaluate_policy.py``; the metric functions are plain so the
tests can check them on small hand-made tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.domain import ActionKind, Author, Finding, Ground, Item, ItemKind, Severity
from bot.policy.engine import PolicyEngine
from bot.policy.evaluation import example_context, text_item

ABUSE = frozenset({Ground.HATE, Ground.HARASSMENT, Ground.THREAT, Ground.OBSCENE})
CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "policy" / "corpus"
# Blind sets retired to tuning data: written blind and measured in earlier sessions (their
# figures are in docs/policy.md), from then on read like the tune parts by training and by
# tuning (`scripts/evaluate_policy.py --retired --show`). fresh and fresh2 were retired in
# session 6, fresh3 (measured blind in sessions 5 and 6) in session 7. Blind from session 7 on:
# the held-out parts, fresh4 and fresh5.
RETIRED_PARTS = ("fresh", "fresh2", "fresh3")
CIVIL_NAMES = frozenset({"", "civil", "none"})
AT_MOST_HIDE = frozenset({ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE})


def part_files(part: str, directory: Path = CORPUS_DIR) -> list[Path]:
    """The corpus files of one part: ``tune``, ``heldout``, ``fresh``... (``*.<part>.yaml``), or
    ``retired``: the files of every retired blind set."""
    parts = RETIRED_PARTS if part == "retired" else (part,)
    return sorted(f for name in parts for f in directory.glob(f"*.{name}.yaml"))


def tuning_files(directory: Path = CORPUS_DIR) -> list[Path]:
    """What training and tuning may read: the tune parts and the retired blind sets."""
    return part_files("tune", directory) + part_files("retired", directory)


@dataclass(frozen=True)
class Case:
    """One labelled post: its text, the grounds that are right for it (empty: civil), context.

    ``ground`` is the primary ground (None for a civil post); ``grounds`` is it plus
    the other grounds that are also correct.
    """

    text: str
    grounds: frozenset[Ground]
    kind: ItemKind = ItemKind.REPLY
    context: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    ground: Ground | None = None
    tags: tuple[str, ...] = ()
    batch: int = 1  # the corpus batch the post was written in (README: Split)

    @property
    def own_contact(self) -> bool:
        return not self.grounds and "own_contact" in self.tags


@dataclass(frozen=True)
class PRF:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def negative_f1(self) -> float:
        return PRF(self.tn, self.fn, self.fp, self.tp).f1

    @property
    def macro_f1(self) -> float:
        return (self.f1 + self.negative_f1) / 2

    @property
    def false_alarm_rate(self) -> float:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else 0.0


def confusion(gold: Iterable[bool], pred: Iterable[bool]) -> PRF:
    tp = fp = fn = tn = 0
    for g, p in zip(gold, pred, strict=True):
        if g and p:
            tp += 1
        elif p:
            fp += 1
        elif g:
            fn += 1
        else:
            tn += 1
    return PRF(tp, fp, fn, tn)


def _grounds(value: Any) -> frozenset[Ground]:
    if value is None:
        return frozenset()
    values = [value] if isinstance(value, str) else list(value)
    return frozenset(Ground(str(v).strip()) for v in values if str(v).strip().lower() not in CIVIL_NAMES)


def load_corpus(path: Path) -> list[Case]:
    """A corpus file (tests/policy/corpus/README.md): a mapping ``posts:`` (or ``cases:``).

    Each entry has ``text`` and, for a breach, ``ground`` and optionally ``also``
    (other correct grounds; ``grounds: [...]`` is read too); optional ``kind``,
    ``tags``, ``author`` ({display_name, handle}), ``thread`` (the council post it
    replies to) and ``same_text_authors``.
    """
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = (doc.get("posts") or doc.get("cases") or []) if isinstance(doc, dict) else doc
    cases = []
    for i, entry in enumerate(entries or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("text"), str):
            raise ValueError(f"{path.name}: entry {i} needs a 'text'")
        primary = _grounds(entry.get("ground"))
        grounds = primary | _grounds(entry.get("also")) | _grounds(entry.get("grounds"))
        context = dict(entry.get("context") or {})
        for key in ("author", "thread", "same_text_authors", "author_upheld_recent"):
            if entry.get(key) is not None:
                context[key] = entry[key]
        kind = ItemKind(str(entry.get("kind") or "reply"))
        first = next(iter(primary), None) or next(iter(sorted(grounds)), None)
        cases.append(Case(entry["text"], grounds, kind, context, path.name, first,
                          tuple(str(t) for t in entry.get("tags") or ()),
                          int(entry.get("batch") or 1)))
    return cases


def case_item(case: Case, number: int) -> Item:
    ctx = case.context
    who = ctx.get("author") or {}
    author = Author(remote_id=f"author-{number}",
                    handle=str(who.get("handle") or f"resident{number}@social.example"),
                    display_name=str(who.get("display_name") or "A Resident"))
    return text_item(case.text, number, author=author, kind=case.kind,
                     mentions=tuple(ctx.get("mentions") or ()), links=tuple(ctx.get("links") or ()),
                     context_text=str(ctx.get("thread") or ctx.get("context_text") or ""))


def judge_cases(engine: PolicyEngine, cases: Sequence[Case]) -> list[tuple[Finding, ...]]:
    """The engine's findings for each case (rule errors count as flagged)."""
    found = []
    for i, case in enumerate(cases):
        ectx = example_context(
            same_text_authors=int(case.context.get("same_text_authors", 0)),
            author_upheld_recent=int(case.context.get("author_upheld_recent", 0)))
        found.append(tuple(engine.evaluate(case_item(case, i), ectx)))
    return found


def acceptable_for_own_contact(findings: Sequence[Finding]) -> bool:
    """A resident's own details: nothing, or low personal_data proposing at most hide/detach."""
    return all(f.ground is Ground.PERSONAL_DATA and f.severity is Severity.LOW
               and set(f.proposed_actions) <= AT_MOST_HIDE for f in findings)


def judge_texts(engine: PolicyEngine, texts: Sequence[str]) -> list[frozenset[Ground]]:
    ctx = example_context()
    return [frozenset(f.ground for f in engine.evaluate(text_item(t, i), ctx))
            for i, t in enumerate(texts)]


@dataclass(frozen=True)
class CorpusReport:
    civil: int
    civil_flagged: int
    own_contact: int
    own_contact_wrong: int
    breaches: int
    breaches_flagged: int
    breaches_right: int
    per_ground: dict[Ground, tuple[int, int, int, PRF]]  # n, flagged, right ground, precision table
    missed: tuple[Case, ...] = ()
    false_alarms: tuple[tuple[Case, frozenset[Ground]], ...] = ()
    own_contact_harsh: tuple[Case, ...] = ()

    @property
    def false_alarm_rate(self) -> float:
        return self.civil_flagged / self.civil if self.civil else 0.0


def corpus_report(cases: Sequence[Case], results: Sequence[Sequence[Finding] | frozenset[Ground]]
                  ) -> CorpusReport:
    """Civil false alarms (own-contact posts apart), breach recall and per-ground figures.

    ``results`` holds each case's findings (or just the grounds found).
    """
    found = [r if isinstance(r, frozenset) else frozenset(f.ground for f in r) for r in results]
    civil = [(c, f) for c, f in zip(cases, found, strict=True) if not c.grounds and not c.own_contact]
    own = [r for c, r in zip(cases, results, strict=True) if c.own_contact]
    harsh = tuple(c for c, r in zip(cases, results, strict=True) if c.own_contact and (
        isinstance(r, frozenset) and r or not isinstance(r, frozenset) and not acceptable_for_own_contact(r)))
    own_wrong = len(harsh)
    breach = [(c, f) for c, f in zip(cases, found, strict=True) if c.grounds]
    per_ground = {}
    for ground in sorted({c.ground for c, _ in breach if c.ground}):
        mine = [(c, f) for c, f in breach if c.ground is ground]
        table = confusion([ground in c.grounds for c in cases], [ground in f for f in found])
        per_ground[ground] = (len(mine), sum(1 for _, f in mine if f),
                              sum(1 for c, f in mine if c.grounds & f), table)
    return CorpusReport(
        civil=len(civil), civil_flagged=sum(1 for _, f in civil if f), own_contact=len(own),
        own_contact_wrong=own_wrong, breaches=len(breach),
        breaches_flagged=sum(1 for _, f in breach if f),
        breaches_right=sum(1 for c, f in breach if c.grounds & f), per_ground=per_ground,
        missed=tuple(c for c, f in breach if not c.grounds & f),
        false_alarms=tuple((c, f) for c, f in civil if f), own_contact_harsh=harsh,
    )


def corpus_tables(name: str, report: CorpusReport) -> list[str]:
    r = report
    lines = [
        f"**{name}**: {r.civil} civil posts, {r.civil_flagged} flagged "
        f"(false-alarm rate {r.false_alarm_rate:.1%}); {r.own_contact} residents giving their "
        f"own contact details, {r.own_contact_wrong} treated more harshly than a low "
        f"personal-data finding proposing hide; {r.breaches} breaches, "
        f"{r.breaches_flagged} flagged (recall {_ratio(r.breaches_flagged, r.breaches)}), "
        f"{r.breaches_right} on a right ground ({_ratio(r.breaches_right, r.breaches)}).",
        "",
        "| ground | breaches | flagged (recall) | right ground (recall) | ground precision | ground F1 |",
        "|---|---|---|---|---|---|",
    ]
    for ground, (n, flagged, right, table) in r.per_ground.items():
        lines.append(f"| {ground} | {n} | {flagged} ({_ratio(flagged, n)}) | "
                     f"{right} ({_ratio(right, n)}) | {table.precision:.3f} | {table.f1:.3f} |")
    return lines


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.1%}" if b else "n/a"
