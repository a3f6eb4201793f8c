"""Sentences for the page with every stranger's name, handle and text isolated for
direction (``<bdi>``), as the page does for them elsewhere (``render.untrusted``).

The sentence builders (``bot.action_words``, ``bot.audit_words``, ``effects``) write
plain text for the page, the CLI, the e-mails and the PDFs alike. For the page they
are given a ``mark`` callable: each untrusted piece is passed through it and stands
in the sentence as a private-use placeholder with a random key; ``html`` then escapes
the whole sentence and puts each piece back, escaped, inside ``<bdi>``. A right-to-
left override in a handle can then not reverse the rest of the sentence, and text
that happens to look like a placeholder cannot be mistaken for one (the key is new
for every sentence).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from markupsafe import Markup, escape

from bot.web.render import untrusted

Mark = Callable[[object], str]


class Isolating:
    """A ``mark`` for one sentence, then ``html`` to render it."""

    def __init__(self) -> None:
        self._key = secrets.token_hex(6)
        self._pieces: list[str] = []
        self._placeholder = re.compile("\ue000" + self._key + r":(\d+)\ue001")

    def __call__(self, text: object) -> str:
        """The placeholder for ``text`` ('' stays '', so "the author" defaults still apply)."""
        value = "" if text is None else str(text)
        if not value:
            return ""
        self._pieces.append(value)
        return f"\ue000{self._key}:{len(self._pieces) - 1}\ue001"

    def html(self, words: str) -> Markup:
        escaped = str(escape(words))
        filled = self._placeholder.sub(lambda found: str(untrusted(self._pieces[int(found[1])])), escaped)
        return Markup(filled)  # noqa: S704 - the sentence was escaped, each piece is escaped by untrusted()


def isolated(build: Callable[[Mark], str]) -> Markup:
    """``build(mark)`` as HTML: ``isolated(lambda mark: f"block {mark(handle)}")``."""
    mark = Isolating()
    return mark.html(build(mark))
