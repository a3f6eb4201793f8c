"""What each action really does on each platform, told plainly to the clerk.

The web page does not import the adapters (layering rule), so the platform
caveats live here, keyed by the platform's value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from bot.adapter import ACTION_LABELS
from bot.domain import UNDO_KINDS, ActionKind

PLATFORM_NAMES = {"mastodon": "Mastodon", "bluesky": "Bluesky", "simulated": "Simulated (demo)"}

#: The real platforms' names, for caveats (a simulated account copies one of them).
REAL_NAMES = {"mastodon": "Mastodon", "bluesky": "Bluesky", "gotosocial": "GoToSocial"}
SIMULATED = ("This is the simulated demo platform{like}: actions are recorded, nobody is affected.")


POST_ACTIONS = frozenset({ActionKind.LIMIT_REPLIES, ActionKind.RESTORE_REPLIES})

def offered_actions(platform: str, capabilities: frozenset[ActionKind], meta: dict[str, Any]) -> list[ActionKind]:
    """The actions the clerk may choose for this item: only what the platform can really do."""
    kinds = [k for k in ActionKind if k in capabilities and k not in UNDO_KINDS]
    # Limiting replies is about a whole post: offered on pile-on items only, and
    # putting the replies back is the bot's own follow-up, never a choice.
    if meta.get("pile_on"):
        return [k for k in kinds if k is ActionKind.LIMIT_REPLIES]
    kinds = [k for k in kinds if k not in POST_ACTIONS]
    if not meta.get("root_is_council"):  # hiding works through the thread root's gate only
        kinds = [k for k in kinds if k is not ActionKind.HIDE_REPLY]
    return kinds


class ActionOption(NamedTuple):
    """One tick box of the decision form."""

    value: str
    label: str
    proposed: bool


def action_options(choices: Iterable[ActionKind], proposed: Iterable[str]) -> list[ActionOption]:
    """The decision form's tick boxes: what the platform can do, the proposed ones ticked."""
    wanted = set(proposed)
    return [ActionOption(kind.value, ACTION_LABELS[kind], kind.value in wanted) for kind in choices]


PROPOSED = Markup(' <span class="hint-inline">(proposed)</span>')


def tick_boxes(review_id: int, options: Iterable[ActionOption]) -> Markup:
    """The decision form's tick boxes as HTML.

    Built here rather than in the template because the queue shows up to seventy of
    them per page and this is the page's hottest loop; every value is escaped.
    """
    rid = int(review_id)
    out = []
    for value, label, proposed in options:
        v = escape(value)
        checked, hint = (" checked", PROPOSED) if proposed else ("", "")
        out.append(f'<div class="checkbox"><input type="checkbox" id="act-{rid}-{v}" name="actions" value="{v}"'
                   f'{checked}><label for="act-{rid}-{v}">{escape(label)}{hint}</label></div>')
    return Markup("\n".join(out))  # noqa: S704 - every piece is escaped or a constant


def item_notes(platform: str, meta: dict[str, Any], capabilities: frozenset[ActionKind],
               simulates: str = "") -> list[str]:
    """What the clerk should know about acting on this platform, from what it can really do.

    ``simulates`` is the real platform a simulated account copies (``any``/empty: none),
    so the demo shows the same caveats as the real thing.
    """
    like = simulates if platform == "simulated" and simulates in REAL_NAMES else platform
    real = REAL_NAMES.get(like)
    name = real or "this platform"
    notes = []
    if platform == "simulated":
        notes.append(SIMULATED.format(like=f", behaving like {real}" if real else ""))
    if ActionKind.HIDE_REPLY not in capabilities:
        notes.append(f"{name[0].upper()}{name[1:]} has no way to hide a reply under the council's post. Blocking "
                     "or muting only changes what the council's account sees: the post stays visible to everyone "
                     "else. Reporting it to the server's moderators is what can remove it for the public.")
    elif not meta.get("root_is_council"):
        notes.append(f"This is not a reply in a thread started by the council, so {name} does not let the "
                     "council hide it.")
    else:
        notes.append(f"On {name}, hiding a reply only works when the thread was started by the council's own post.")
    if ActionKind.BLOCK in capabilities and ActionKind.REMOVE_FOLLOWER not in capabilities:
        notes.append("Blocking also removes the author from the council's followers.")
    return notes


def action_label(kind: str | ActionKind) -> str:
    try:
        return ACTION_LABELS[ActionKind(kind)]
    except ValueError:
        return str(kind)


def labels(kinds: Iterable[str]) -> list[str]:
    return [action_label(k) for k in kinds]


GROUND_LABELS = {
    "hate": "Hate", "harassment": "Harassment or insults", "threat": "Threat", "obscene": "Obscene",
    "defamation": "Possible defamation", "personal_data": "Personal data", "off_topic": "Off topic",
    "spam": "Spam", "impersonation": "Impersonation", "copyright": "Copyright",
    "repeat_offender": "Repeated breaches", "rule_error": "Could not be checked",
    "pile_on": "Pile-on of replies", "pre_election": "Pre-election period",
}
SEVERITY_LABELS = {1: "Low", 2: "Medium", 3: "High"}
