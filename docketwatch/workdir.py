"""Local state directories that one process at a time may use.

Several workers of one service may run on one machine (same DW_DATA_DIR), and each needs
a directory of its own (RocksDB allows one process per database); a worker that restarts
should find the directory it left, so that it need not rebuild it. :func:`claim_slot`
gives each process the first slot no live process holds: a lock (``flock``) that the
kernel releases when its holder dies, kill -9 included.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


def claim_slot(root: Path, prefix: str = "worker") -> Path:
    """``root/<prefix>-N`` for the smallest N whose lock this process could take; the lock
    is held until the process ends (or execs: the descriptor is not inherited)."""
    root.mkdir(parents=True, exist_ok=True)
    n = 0
    while True:
        fd = os.open(root / f"{prefix}-{n}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            n += 1
            continue
        # fd stays open on purpose: closing it would release the slot.
        slot = root / f"{prefix}-{n}"
        slot.mkdir(exist_ok=True)
        return slot
