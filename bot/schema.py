"""One setting of the declarative schema (``bot.settings``): its key, kind, default and meaning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    key: str
    kind: str  # str, int, float, bool, email, url, env, path, choice, list, db_url, did, date
    default: Any = None
    required: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
