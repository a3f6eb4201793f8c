"""The fetch cursor the core stores for a Bluesky account: an opaque JSON string.

``listNotifications`` pages newest first and has no "since", so the cursor remembers
where the last poll stopped: the newest ``indexedAt`` seen and the URIs seen at the
top, plus, per conversation, the ``rev`` of the last direct message read.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

#: How many recently seen notification URIs to remember (for stop-at-known).
RECENT_URIS = 100
#: How many conversations to remember; the least recently active are forgotten.
MAX_CONVOS = 500


@dataclass
class FetchCursor:
    newest_at: str | None = None
    recent: list[str] = field(default_factory=list)
    convos: dict[str, str] = field(default_factory=dict)
    dms_since: str | None = None

    @property
    def fresh(self) -> bool:
        return self.newest_at is None and not self.recent

    def encode(self) -> str:
        return json.dumps({
            "v": 1,
            "notifications": {"newest_at": self.newest_at, "recent": self.recent[:RECENT_URIS]},
            "convos": dict(list(self.convos.items())[-MAX_CONVOS:]),
            "dms_since": self.dms_since,
        }, separators=(",", ":"))

    @classmethod
    def decode(cls, value: str | None) -> FetchCursor:
        if not value:
            return cls()
        try:
            data = json.loads(value)
            notes = data.get("notifications") or {}
            return cls(
                newest_at=notes.get("newest_at"),
                recent=[str(u) for u in notes.get("recent") or []],
                convos={str(k): str(v) for k, v in (data.get("convos") or {}).items()},
                dms_since=data.get("dms_since"),
            )
        except (ValueError, AttributeError, TypeError):
            log.warning("the stored Bluesky cursor is not understood; starting afresh")
            return cls()
