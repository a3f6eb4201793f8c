"""The figures a soak run reports: what it processed, what it survived, what it found."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Figures:
    simulated_minutes: int = 0
    items_processed: int = 0
    malformed_skipped: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    kills: Counter[str] = field(default_factory=Counter)
    restarts: int = 0
    job_errors: Counter[str] = field(default_factory=Counter)
    decisions: int = 0
    actions_done: int = 0
    actions_failed: int = 0
    dm_replies: int = 0
    violations: list[str] = field(default_factory=list)
    rss_start: int = 0
    rss_end: int = 0
    rss_from_restarts: int = 0
    wall_seconds: float = 0.0

    def report(self) -> str:
        lines = [
            f"simulated time          {self.simulated_minutes} minutes ({self.wall_seconds:.0f} s of wall time)",
            f"items processed         {self.items_processed} (+{self.malformed_skipped} malformed payloads skipped)",
            f"clerk decisions         {self.decisions}; actions done {self.actions_done}, "
            f"failed with a reason {self.actions_failed}; DM replies {self.dm_replies}",
            f"faults injected         {sum(self.faults.values())}",
            *[f"    {n:4d}  {kind}" for kind, n in sorted(self.faults.items())],
            f"SIGKILLs                {sum(self.kills.values())}",
            *[f"    {n:4d}  {point}" for point, n in sorted(self.kills.items())],
            f"restarts                {self.restarts}",
            f"job errors (logged, retried) {dict(self.job_errors)}",
            f"RSS start / end         {self.rss_start / 2**20:.1f} MiB / {self.rss_end / 2**20:.1f} MiB "
            f"({self.rss_from_restarts / 2**20:.1f} MiB of it left by in-process restarts; "
            f"service growth {(self.rss_end - self.rss_start - self.rss_from_restarts) / 2**20:.1f} MiB)",
            f"invariant violations    {len(self.violations)}",
            *[f"    {v}" for v in self.violations[:50]],
        ]
        return "\n".join(lines)
