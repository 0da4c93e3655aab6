"""Failpoints: a process stops still at a named point when a fault test asks, so the test can kill it exactly there.

A test starts a service with `AURONTEK_FAILPOINT_FILE` naming a file, and when it wants the fault it writes a
point's name into that file (`transaction.commit`: a transaction's writes are made, its commit not yet sent). The
next time the process reaches that point it creates `<file>.reached` and waits there for ever (once per process;
everything else keeps running), and the test kills it. Without the variable, or in production, `reach` returns at
once and costs nothing.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

_file = os.environ.get("AURONTEK_FAILPOINT_FILE")
_armed: Path | None = Path(_file) if _file and os.environ.get("AURONTEK_ENV") != "production" else None


async def reach(point: str) -> None:
    """Wait here for ever if the test armed `point`; return at once otherwise."""
    global _armed
    armed = _armed
    if armed is None or not armed.exists() or armed.read_text().strip() != point:
        return
    _armed = None  # once: the held work is the one the test kills
    armed.with_name(armed.name + ".reached").write_text(f"{os.getpid()} {point}\n")
    await asyncio.Event().wait()
