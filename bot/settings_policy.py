"""Settings of the council's own policy document (``council.policy`` and its details).

Kept beside ``bot.settings`` so the schema stays declarative: these fields join the
main schema (validated, defaulted and documented with the rest), and
``policy_from`` turns them into the ``CouncilPolicy`` every finding cites.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.council_policy import (
    DEFAULT_PRESET,
    CouncilPolicy,
    PolicyProblems,
    load_policy,
    neutral_policy,
    parse_adopted,
    preset_names,
    with_document,
)
from bot.schema import Field

_PRESETS = ", ".join(preset_names())

POLICY_SCHEMA: tuple[Field, ...] = (
    Field("council.policy", "str", default=DEFAULT_PRESET, doc=(
        f"The council's social media policy, which every finding cites: a ready preset ({_PRESETS}) or the path "
        "of the council's own policy file in the same format (relative to this file; see docs/policy.md). "
        "neutral cites plain descriptions and no clause numbers.")),
    Field("council.policy_title", "str", default="", doc="The policy document's title, if it differs from the preset's."),
    Field("council.policy_url", "url", default="", doc="Where residents can read the policy (a link beside every finding on the page)."),
    Field("council.policy_adopted", "date", default="", doc="The date the council adopted the policy, YYYY-MM-DD."),
)


def policy_from(values: dict[str, Any], base_dir: Path, problems: list[tuple[str, str]]) -> CouncilPolicy:
    """The policy the settings name; every problem names ``council.policy`` (and the key inside its file)."""
    name = str(values.get("council.policy") or DEFAULT_PRESET)
    try:
        policy = load_policy(name, base_dir)
    except FileNotFoundError:
        problems.append(("council.policy", f"is neither a ready preset ({', '.join(preset_names())}) nor a policy "
                                           f"file: there is no file at {(base_dir / name).resolve()}"))
        return neutral_policy()
    except PolicyProblems as exc:
        problems.extend((f"council.policy ({name}) {key}", message) for key, message in exc.problems)
        return neutral_policy()
    except OSError as exc:
        problems.append(("council.policy", f"cannot read {name}: {exc.strerror}"))
        return neutral_policy()
    try:
        adopted = parse_adopted(values.get("council.policy_adopted") or None)
    except ValueError:  # already reported against council.policy_adopted
        adopted = None
    return with_document(policy, str(values.get("council.policy_title") or ""),
                         str(values.get("council.policy_url") or ""), adopted)
