"""The rules file: a plain YAML document a council can read, publish and change.

Loading validates everything at once and reports every problem with the key it
concerns (``ConfigError``). A council's own file may start with
``extends: rules.yaml`` to take the published default set and then only list what
it changes: a rule with the same ``id`` is merged field by field (so
``{id: insult, enabled: false}`` switches a rule off), new ids are added, and
``word_lists`` / ``allow_list`` entries add to the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from bot.council_policy import CouncilPolicy
from bot.domain import ActionKind, Ground, Severity
from bot.errors import ConfigError

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
DEFAULT_RULES_FILE = Path(__file__).resolve().parents[2] / "config" / "rules.yaml"
RULE_KEYS = frozenset({
    "id", "ground", "clauses", "severity", "detector", "params", "actions", "explanation",
    "police_referral", "enabled", "unless_grounds", "only_with_grounds", "description",
})


@dataclass(frozen=True)
class Rule:
    """One rule: which detector looks for what, and what the clerk is told."""

    id: str
    ground: Ground
    clauses: tuple[str, ...]
    severity: Severity
    detector: str
    params: dict[str, Any]
    actions: tuple[ActionKind, ...]
    explanation: str
    police_referral: bool = False
    unless_grounds: frozenset[Ground] = frozenset()
    description: str = ""
    only_with_grounds: frozenset[Ground] = frozenset()


@dataclass
class RuleSet:
    """Everything the rules file says, with word lists read from their files."""

    rules: list[Rule]
    word_lists: dict[str, list[str]]
    allow_entries: list[str]
    classifier: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None


def read_list_file(path: Path) -> list[str]:
    from bot.policy.lexicon import read_entries

    return read_entries(path.read_text(encoding="utf-8"))


def _load_doc(path: Path, problems: list[tuple[str, str]], depth: int = 0) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        problems.append((str(path), f"cannot read the rules file: {exc}"))
        return {}
    if not isinstance(doc, dict):
        problems.append((str(path), "must be a YAML mapping with a 'rules' list"))
        return {}
    base_name = doc.get("extends")
    if not base_name:
        return _with_base_dir(doc, path.parent)
    if depth > 3:
        problems.append(("extends", "too many nested 'extends'"))
        return doc
    base = _load_doc((path.parent / str(base_name)).resolve(), problems, depth + 1)
    return _merge(base, _with_base_dir(doc, path.parent))


def _with_base_dir(doc: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """Resolve file names in ``doc`` against the directory of the file they came from."""
    doc = dict(doc)
    allow = dict(doc.get("allow_list") or {})
    allow["files"] = [str(base_dir / f) for f in allow.get("files") or []]
    doc["allow_list"] = allow
    lists = {}
    for name, spec in (doc.get("word_lists") or {}).items():
        spec = dict(spec or {})
        spec["files"] = [str(base_dir / f) for f in spec.get("files") or []]
        lists[name] = spec
    doc["word_lists"] = lists
    return doc


def _merge(base: dict[str, Any], local: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    rules = {r.get("id"): dict(r) for r in base.get("rules") or [] if isinstance(r, dict)}
    order = list(rules)
    for rule in local.get("rules") or []:
        if not isinstance(rule, dict):
            continue
        rid = rule.get("id")
        if rid in rules:
            rules[rid].update(rule)
        else:
            rules[rid] = dict(rule)
            order.append(rid)
    merged["rules"] = [rules[r] for r in order]
    for key in ("allow_list",):
        b, loc = base.get(key) or {}, local.get(key) or {}
        merged[key] = {
            "packaged": loc.get("packaged", b.get("packaged", True)),
            "files": list(b.get("files") or []) + list(loc.get("files") or []),
            "words": list(b.get("words") or []) + list(loc.get("words") or []),
        }
    lists = {k: dict(v) for k, v in (base.get("word_lists") or {}).items()}
    for name, spec in (local.get("word_lists") or {}).items():
        old = lists.setdefault(name, {})
        old["files"] = list(old.get("files") or []) + list(spec.get("files") or [])
        old["words"] = list(old.get("words") or []) + list(spec.get("words") or [])
        if "packaged" in spec:
            old["packaged"] = spec["packaged"]
    merged["word_lists"] = lists
    merged["classifier"] = {**(base.get("classifier") or {}), **(local.get("classifier") or {})}
    return merged


def _word_list(name: str, spec: dict[str, Any], problems: list[tuple[str, str]]) -> list[str]:
    entries: list[str] = []
    packaged = PACKAGE_DATA / "wordlists" / f"{name}.txt"
    if spec.get("packaged", True) and packaged.is_file():
        entries.extend(read_list_file(packaged))
    for f in spec.get("files") or []:
        try:
            entries.extend(read_list_file(Path(f)))
        except OSError as exc:
            problems.append((f"word_lists.{name}.files", f"cannot read {f}: {exc.strerror}"))
    entries.extend(str(w).lower().strip() for w in spec.get("words") or [] if str(w).strip())
    return entries


def _allow_entries(spec: dict[str, Any], problems: list[tuple[str, str]]) -> list[str]:
    entries: list[str] = []
    if spec.get("packaged", True):
        entries.extend(read_list_file(PACKAGE_DATA / "allowlist.txt"))
    for f in spec.get("files") or []:
        try:
            entries.extend(read_list_file(Path(f)))
        except OSError as exc:
            problems.append(("allow_list.files", f"cannot read {f}: {exc.strerror}"))
    entries.extend(str(w).lower().strip() for w in spec.get("words") or [] if str(w).strip())
    return entries


def _parse_rule(i: int, data: Any, detectors: frozenset[str],
                problems: list[tuple[str, str]]) -> Rule | None:
    key = f"rules[{i}]"
    if not isinstance(data, dict) or not data.get("id"):
        problems.append((key, "each rule needs at least an 'id'"))
        return None
    key = f"rules[{data['id']}]"
    for unknown in set(data) - RULE_KEYS:
        problems.append((f"{key}.{unknown}", "is not a known rule field (typo?)"))
    before = len(problems)
    rule = None
    try:
        rule = Rule(
            id=str(data["id"]), ground=Ground(str(data.get("ground"))),
            clauses=tuple(str(c) for c in data.get("clauses") or ()),
            severity=Severity.parse(data.get("severity", "medium")),
            detector=str(data.get("detector", "")), params=dict(data.get("params") or {}),
            actions=tuple(ActionKind(a) for a in data.get("actions") or ()),
            explanation=str(data.get("explanation", "")).strip(),
            police_referral=bool(data.get("police_referral", False)),
            unless_grounds=frozenset(Ground(g) for g in data.get("unless_grounds") or ()),
            only_with_grounds=frozenset(Ground(g) for g in data.get("only_with_grounds") or ()),
            description=str(data.get("description", "")).strip(),
        )
    except (ValueError, KeyError, TypeError) as exc:
        problems.append((key, f"has a bad ground, severity or action: {exc}"))
    if rule is not None and rule.detector not in detectors:
        problems.append((f"{key}.detector", f"unknown detector {rule.detector!r}; "
                         f"known: {', '.join(sorted(detectors))}"))
    if rule is not None and not rule.explanation:
        problems.append((f"{key}.explanation", "write one plain sentence for the clerk"))
    return rule if len(problems) == before else None


def load_ruleset(path: Path, detectors: frozenset[str]) -> RuleSet:
    """Read and validate a rules file (following ``extends``); raise ``ConfigError``."""
    problems: list[tuple[str, str]] = []
    doc = _load_doc(Path(path).resolve(), problems)
    rules, seen = [], set()
    for i, data in enumerate(doc.get("rules") or []):
        if isinstance(data, dict) and not data.get("enabled", True):
            continue
        rule = _parse_rule(i, data, detectors, problems)
        if rule is not None:
            if rule.id in seen:
                problems.append((f"rules[{rule.id}]", "the same id is used twice"))
            seen.add(rule.id)
            rules.append(rule)
    names = {p.stem for p in (PACKAGE_DATA / "wordlists").glob("*.txt")}
    names |= set(doc.get("word_lists") or {})
    lists = {n: _word_list(n, (doc.get("word_lists") or {}).get(n) or {}, problems) for n in names}
    for rule in rules:
        for name in rule.params.get("lists", ()):
            if name not in lists:
                problems.append((f"rules[{rule.id}].params.lists", f"no word list named {name!r}"))
    allow = _allow_entries(doc.get("allow_list") or {}, problems)
    if problems:
        raise ConfigError(problems)
    return RuleSet(rules, lists, allow, dict(doc.get("classifier") or {}), Path(path))


def with_council_clauses(ruleset: RuleSet, policy: CouncilPolicy) -> RuleSet:
    """Each rule cites the council's own clauses for its ground.

    A rule given ``clauses`` in the council's own rules file keeps them; the packaged
    rules give none, so no council is shown another council's clause numbers.
    """
    ruleset.rules = [r if r.clauses else replace(r, clauses=policy.clauses(r.ground)) for r in ruleset.rules]
    return ruleset
