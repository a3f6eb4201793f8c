"""The Mastodon poll cursor: where the notification stream got to, and thread-scan state.

The core stores the cursor as an opaque string and hands it back on the next poll.
It is JSON, small and bounded:

- ``n``: the id of the newest notification processed (paged forward with ``min_id``);
- ``posts``: for each council post in the thread-scan window, the ``replies_count`` at
  the last scan, so unchanged threads cost no request;
- ``requests``: for each pending notification request (filtered by the server's
  policy), the id of its last status, so unchanged requests cost no request;
- ``seen``: status ids already handed to the core, newest last, so a rescanned thread
  does not hand them over again (the core de-duplicates anyway).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

VERSION = 1
MAX_SEEN = 2000


def id_key(value: str) -> tuple[int, str]:
    """Order Mastodon ids (numeric strings of varying length) numerically."""
    return (len(value), value)


def newest(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return max(a, b, key=id_key)


@dataclass
class PollCursor:
    notification_id: str | None = None
    posts: dict[str, int] = field(default_factory=dict)
    requests: dict[str, str] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)

    @classmethod
    def decode(cls, text: str | None) -> PollCursor:
        """Read a stored cursor; an unreadable one starts afresh (and says so in the log)."""
        if not text:
            return cls()
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("v") != VERSION:
                raise ValueError("unknown cursor version")
            return cls(
                notification_id=_opt_str(data.get("n")),
                posts={str(k): int(v) for k, v in (data.get("posts") or {}).items()},
                requests={str(k): str(v) for k, v in (data.get("requests") or {}).items()},
                seen=[str(s) for s in data.get("seen") or ()],
            )
        except (ValueError, TypeError, AttributeError):
            log.warning("unreadable Mastodon cursor, starting from the newest notifications")
            return cls()

    def encode(self) -> str:
        return json.dumps({
            "v": VERSION,
            "n": self.notification_id,
            "posts": self.posts,
            "requests": self.requests,
            "seen": self.seen[-MAX_SEEN:],
        }, separators=(",", ":"), sort_keys=True)

    def copy(self) -> PollCursor:
        return PollCursor(self.notification_id, dict(self.posts), dict(self.requests), list(self.seen))


def _opt_str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None
