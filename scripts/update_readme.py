#!/usr/bin/env python3
"""Regenerate the settings reference in README.md from the settings schema.

The test suite fails when README.md and the schema disagree, so the reference
cannot drift. Run: .venv/bin/python scripts/update_readme.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.settings import config_reference  # noqa: E402

START, END = "<!-- config-reference:start -->", "<!-- config-reference:end -->"


def rendered(readme: str) -> str:
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{config_reference()}{END}{tail}"


if __name__ == "__main__":
    path = REPO / "README.md"
    path.write_text(rendered(path.read_text(encoding="utf-8")), encoding="utf-8")
    print("README.md settings reference updated")
