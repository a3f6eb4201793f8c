"""``modbot rules``: try the moderation rules on a text, a file, or stored posts.

    modbot rules test "You absolute numpty"          explain what fires and why
    modbot rules test --file posts.txt --format jsonl one JSON object per line
    modbot rules replay --since 30d                  what would change on stored posts
    modbot rules replay --compare-tiers              where the standard and transformer tiers differ
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.council_policy import CouncilPolicy, neutral_policy
from bot.errors import ConfigError
from bot.policy import load_engine
from bot.policy.evaluation import Verdict, example_context, judge
from bot.policy.rules import DEFAULT_RULES_FILE
from bot.policy.transformer_tier import TIERS, describe
from bot.settings import Settings, load_settings
from bot.uk_time import uk_datetime


def register(sub: Any) -> None:
    rules = sub.add_parser("rules", help="try the moderation rules")
    rsub = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", required=True)
    test = rsub.add_parser("test", help="explain what the rules find in a text or a file of texts")
    test.add_argument("text", nargs="?", help="the text to check")
    test.add_argument("--file", help="a file with one post per line ('-' for standard input)")
    test.add_argument("--format", choices=("text", "jsonl"), default="text")
    _common(test)
    test.set_defaults(func=cmd_test)
    replay = rsub.add_parser("replay", help="re-run the current rules on stored posts (shadow mode)")
    replay.add_argument("--since", default="30d", help="how far back: 30d, 12h, 2w (default 30d)")
    replay.add_argument("--show", type=int, default=50, help="list at most this many changes")
    replay.add_argument("--compare-tiers", action="store_true",
                        help="run the rules with both second-opinion tiers and list where they differ")
    _common(replay)
    replay.set_defaults(func=cmd_replay)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", help="rules file (default: the config's rules_file, "
                                   "else the packaged config/rules.yaml)")
    p.add_argument("--no-classifier", action="store_true", help="rules only, no statistical model")
    p.add_argument("--tier", choices=TIERS, help="second-opinion tier (default: the rules file's "
                                                 "'classifier: {tier: ...}', else standard)")


def _settings(args: argparse.Namespace, required: bool) -> Settings | None:
    path = getattr(args, "config", None) or os.environ.get("MODBOT_CONFIG")
    if not path:
        if required:
            raise ConfigError([("--config", "give --config FILE or set MODBOT_CONFIG")])
        return None
    return load_settings(path)


def _engine(args: argparse.Namespace, settings: Settings | None, tier: str | None = None):
    if args.rules:
        path = Path(args.rules)
    else:
        path = settings.rules_file if settings else DEFAULT_RULES_FILE
    return load_engine(path=path, classifier=False if args.no_classifier else None,
                       tier=tier or args.tier, policy=settings.policy if settings else None)


def cmd_test(args: argparse.Namespace) -> int:
    if (args.text is None) == (args.file is None):
        print("give either a TEXT or --file FILE", file=sys.stderr)
        return 2
    settings = _settings(args, required=False)
    engine = _engine(args, settings)
    ctx = example_context(settings.council if settings else None)
    scored_by = describe(engine.classifier)
    policy = settings.policy if settings else neutral_policy()
    if args.text is not None:
        verdict = judge(engine, args.text, ctx)
        _print_verdict(args.text, verdict, args.format, scored_by, policy)
        return 0
    with _open(args.file) as fh:
        for number, line in enumerate(fh):
            text = line.rstrip("\n").rstrip("\r")
            _print_verdict(text, judge(engine, text, ctx, number), args.format, scored_by, policy)
    return 0


def _open(name: str):
    if name == "-":
        return open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)
    return open(name, encoding="utf-8", errors="replace")


def _print_verdict(text: str, verdict: Verdict, fmt: str, scored_by: str = "",
                   policy: CouncilPolicy | None = None) -> None:
    if fmt == "jsonl":
        doc = verdict.as_dict()
        doc["scored_by"] = scored_by
        print(json.dumps(doc, ensure_ascii=False), flush=False)
        return
    print(explain(text, verdict, scored_by, policy))


def explain(text: str, verdict: Verdict, scored_by: str = "", policy: CouncilPolicy | None = None) -> str:
    """A plain-text explanation of every finding, with the matched words marked."""
    score = "n/a" if verdict.score is None else f"{verdict.score:.2f}"
    if scored_by:
        score += f" ({scored_by})"
    if not verdict.findings:
        return f"Nothing found. (statistical score {score})"
    lines = [f"{len(verdict.findings)} finding(s), highest severity {verdict.severity}; "
             f"statistical score {score}"]
    for f in verdict.findings:
        lines.append(f"- {f.rule_id} [{f.ground}, {f.severity.label}] {f.explanation}")
        lines.append(f"    policy: {(policy or neutral_policy()).cite(f.ground, f.clauses)}")
        if f.spans:
            lines.append(f"    in the post: {highlight(text, f.spans)}")
        if f.proposed_actions:
            lines.append(f"    proposes: {', '.join(str(a) for a in f.proposed_actions)}")
        if f.police_referral:
            lines.append("    may be a matter for the police")
    return "\n".join(lines)


def highlight(text: str, spans) -> str:
    out, last = [], 0
    for s in sorted(spans, key=lambda s: s.start):
        if s.start < last:
            continue
        out.append(text[last:s.start] + "[[" + text[s.start:s.end] + "]]")
        last = s.end
    return "".join(out) + text[last:]


_SINCE = re.compile(r"^\s*(\d+)\s*([hdw])\s*$")


def parse_since(value: str) -> timedelta:
    m = _SINCE.match(value or "")
    if not m:
        raise ConfigError([("--since", f"use a number and h, d or w (e.g. 30d), got {value!r}")])
    number, unit = int(m.group(1)), m.group(2)
    return {"h": timedelta(hours=number), "d": timedelta(days=number),
            "w": timedelta(weeks=number)}[unit]


def cmd_replay(args: argparse.Namespace) -> int:
    from bot.policy.replay import replay_stored

    settings = _settings(args, required=True)
    assert settings is not None
    since = datetime.now(UTC) - parse_since(args.since)
    if args.compare_tiers:
        return _compare_tiers(args, settings, since)
    engine = _engine(args, settings)
    print(f"Second opinion: {describe(engine.classifier)}.")
    changes = replay_stored(settings, engine, since)
    counts = Counter(c.kind for c in changes)
    shown = [c for c in changes if c.kind != "unchanged"][: args.show]
    for change in shown:
        print(change.describe())
    print(f"{len(changes)} stored post(s) since {uk_datetime(since)} (UK time): "
          f"{counts['newly flagged']} newly flagged, {counts['no longer flagged']} no longer "
          f"flagged, {counts['different rules']} with different rules, "
          f"{counts['unchanged']} unchanged. Nothing was changed in the database.")
    return 0


def _compare_tiers(args: argparse.Namespace, settings: Settings, since: datetime) -> int:
    from bot.policy import transformer_compare
    from bot.policy.replay import replay_stored

    standard = replay_stored(settings, _engine(args, settings, "standard"), since)
    transformer = replay_stored(settings, _engine(args, settings, "transformer"), since)
    differences = transformer_compare.compare(standard, transformer)
    for difference in differences[: args.show]:
        print(difference.describe())
    print(transformer_compare.summary(standard, transformer, differences))
    return 0
