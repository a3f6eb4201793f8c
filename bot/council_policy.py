"""The council's own social media policy: which of its clauses each ground enforces.

Every finding is explained by the council's own policy, never another council's.
The settings name the policy (``council.policy``): one of the ready presets in
``config/policies/`` (the five policies the project was built from and a neutral
default with plain descriptions and no clause numbers) or the path of the council's
own file in the same format::

    title: Official Social Media Engagement Policy
    url: https://www.example.gov.uk/social-media-policy
    adopted: "2025-05-12"
    grounds:
      threat: {clauses: ["7.4"], description: Threatening language.}
      ...

A ground the file leaves out, or lists without clauses, is explained by its plain
description alone; ``modbot check-config`` names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.domain import Ground
from bot.uk_time import day_text

PRESETS_DIR = Path(__file__).resolve().parents[1] / "config" / "policies"
DEFAULT_PRESET = "neutral"
#: The grounds a policy maps to clauses (``rule_error`` is the bot's own, not the council's).
POLICY_GROUNDS = tuple(g for g in Ground if g is not Ground.RULE_ERROR)
_FILE_KEYS = frozenset({"title", "url", "adopted", "grounds"})
_GROUND_KEYS = frozenset({"clauses", "description"})


class PolicyProblems(ValueError):
    """Problems in a policy file, each as (key inside the file, message)."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{k}: {m}" for k, m in problems))
        self.problems = problems


@dataclass(frozen=True)
class GroundCitation:
    clauses: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class CouncilPolicy:
    """The council's policy document and what each ground cites from it."""

    name: str
    title: str
    url: str = ""
    adopted: date | None = None
    grounds: Mapping[Ground, GroundCitation] = field(default_factory=dict)

    def clauses(self, ground: Ground | str) -> tuple[str, ...]:
        """The council's clause references for ``ground`` (empty when it has none)."""
        return self._for(ground).clauses

    def description(self, ground: Ground | str) -> str:
        return self._for(ground).description or _neutral_description(ground)

    def cite(self, ground: Ground | str, clauses: tuple[str, ...] | list[str] | None = None) -> str:
        """``"Official Social Media Engagement Policy: 7.4, 7.5"``, or the title and the plain
        description when the policy gives the ground no clause.

        ``clauses`` are the ones a stored finding cited; when it cited none, the ground's own.
        """
        chosen = tuple(clauses) if clauses else self.clauses(ground)
        return f"{_capitalised(self.title)}: {', '.join(chosen) if chosen else self.description(ground)}"

    def uncovered(self, grounds: tuple[Ground, ...] = POLICY_GROUNDS) -> list[Ground]:
        """The grounds left without a clause (the neutral default leaves them all)."""
        return [g for g in grounds if not self.clauses(g)]

    @property
    def document(self) -> str:
        """``"Official Social Media Engagement Policy (adopted 12 May 2025)"``."""
        title = _capitalised(self.title)
        return f"{title} (adopted {day_text(self.adopted)})" if self.adopted else title

    def _for(self, ground: Ground | str) -> GroundCitation:
        try:
            return self.grounds.get(Ground(ground), GroundCitation())
        except ValueError:
            return GroundCitation()


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _neutral_description(ground: Ground | str) -> str:
    try:
        citation = _neutral().grounds.get(Ground(ground))
    except ValueError:
        citation = None
    return citation.description if citation else "The council's social media policy."


_NEUTRAL: list[CouncilPolicy] = []


def _neutral() -> CouncilPolicy:
    if not _NEUTRAL:
        _NEUTRAL.append(_parse(DEFAULT_PRESET, _read(PRESETS_DIR / f"{DEFAULT_PRESET}.yaml")))
    return _NEUTRAL[0]


def neutral_policy() -> CouncilPolicy:
    """The default: plain descriptions, no clause numbers."""
    return _neutral()


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.yaml"))


def load_policy(value: str, base_dir: Path) -> CouncilPolicy:
    """A preset by name (``thornbury``) or a policy file (relative to the settings file).

    Raises ``PolicyProblems`` naming the key inside the file, or ``FileNotFoundError``.
    """
    name = value.strip() or DEFAULT_PRESET
    if name in preset_names():
        return _parse(name, _read(PRESETS_DIR / f"{name}.yaml"))
    path = (base_dir / name).resolve()
    if not path.is_file():
        raise FileNotFoundError(name)
    return _parse(path.name, _read(path))


def with_document(policy: CouncilPolicy, title: str = "", url: str = "", adopted: date | None = None) -> CouncilPolicy:
    """The policy with the council's own title, address or adoption date from the settings."""
    return replace(policy, title=title or policy.title, url=url or policy.url, adopted=adopted or policy.adopted)


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise PolicyProblems([("(file)", f"is not valid YAML at {where}")]) from exc


def _parse(name: str, doc: Any) -> CouncilPolicy:
    problems: list[tuple[str, str]] = []
    if not isinstance(doc, dict):
        raise PolicyProblems([("(file)", "must be a YAML mapping with title and grounds")])
    problems += [(k, "is not a known key (title, url, adopted, grounds)") for k in set(doc) - _FILE_KEYS]
    title = doc.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(("title", "must be the policy document's title"))
    url = doc.get("url") or ""
    if not isinstance(url, str) or (url and not url.startswith(("http://", "https://"))):
        problems.append(("url", f"must start with http:// or https://, got {url!r}"))
    adopted = _adopted(doc.get("adopted"), problems)
    grounds = _grounds(doc.get("grounds"), problems)
    if problems:
        raise PolicyProblems(problems)
    return CouncilPolicy(name, str(title).strip(), str(url), adopted, grounds)


def parse_adopted(value: Any) -> date | None:
    """``"2024-03-11"`` (or a YAML date) -> date; ``""``/None -> None; ValueError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip())
    raise ValueError(value)


def _adopted(value: Any, problems: list[tuple[str, str]]) -> date | None:
    try:
        return parse_adopted(value)
    except ValueError:
        problems.append(("adopted", f"must be a date written YYYY-MM-DD, got {value!r}"))
        return None


def _grounds(raw: Any, problems: list[tuple[str, str]]) -> dict[Ground, GroundCitation]:
    if not isinstance(raw, dict):
        problems.append(("grounds", "must map each ground (hate, threat, ...) to its clauses"))
        return {}
    known = {g.value for g in POLICY_GROUNDS}
    out: dict[Ground, GroundCitation] = {}
    for key, entry in raw.items():
        where = f"grounds.{key}"
        if key not in known:
            problems.append((where, f"is not a ground; the grounds are {', '.join(sorted(known))}"))
            continue
        if not isinstance(entry, dict):
            problems.append((where, "must have clauses (a list) and a description"))
            continue
        problems += [(f"{where}.{k}", "is not a known key (clauses, description)") for k in set(entry) - _GROUND_KEYS]
        clauses = entry.get("clauses") or []
        # A bare 7.10 would be read as the number 7.1: clause references must be quoted.
        if not isinstance(clauses, list) or not all(isinstance(c, str | int) and not isinstance(c, bool)
                                                    for c in clauses):
            problems.append((f"{where}.clauses", 'must be a list of quoted clause references, e.g. ["7.4", "7.10"]'))
            clauses = []
        description = entry.get("description") or ""
        if not isinstance(description, str):
            problems.append((f"{where}.description", "must be plain text"))
            description = ""
        out[Ground(key)] = GroundCitation(tuple(str(c).strip() for c in clauses if str(c).strip()),
                                          description.strip())
    return out
