"""Named points where a test can freeze the process to kill it there.

Crash-safety tests set ``MODBOT_CRASHPOINT=<name>`` and ``MODBOT_CRASHPOINT_FILE``;
when the process reaches that point it creates the file and blocks, and the test
sends SIGKILL. With the variable unset (always, in production) ``reached`` is one
dictionary lookup.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def reached(name: str) -> None:
    if os.environ.get("MODBOT_CRASHPOINT") != name:
        return
    marker = os.environ.get("MODBOT_CRASHPOINT_FILE")
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    threading.Event().wait()  # until killed
