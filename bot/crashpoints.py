"""Named points where a test can freeze the process to kill it there, or hold it.

Crash-safety tests set ``MODBOT_CRASHPOINT=<name>`` and ``MODBOT_CRASHPOINT_FILE``;
when the process reaches that point it creates the file and blocks, and the test
sends SIGKILL. Concurrency tests also set ``MODBOT_CRASHPOINT_RELEASE`` (a path): the
process then carries on once that file exists, so a test can hold one process inside
its transaction while another runs into it. With the variable unset (always, in
production) ``reached`` is one dictionary lookup.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_RELEASE_CHECK_SECONDS = 0.02


def reached(name: str) -> None:
    if os.environ.get("MODBOT_CRASHPOINT") != name:
        return
    marker = os.environ.get("MODBOT_CRASHPOINT_FILE")
    if marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    release = os.environ.get("MODBOT_CRASHPOINT_RELEASE")
    stop = threading.Event()
    if not release:
        stop.wait()  # until killed
        return
    while not Path(release).exists():
        stop.wait(_RELEASE_CHECK_SECONDS)
