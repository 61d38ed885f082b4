"""What /proc says about a process, for the benches: memory and CPU figures (0 for a process
that is gone)."""

from __future__ import annotations

import os
from pathlib import Path

from launcher.supervise import descendants


def status_kb(pid: int, field: str = "VmRSS") -> int:
    """A /proc/PID/status memory figure in kB: VmRSS, VmHWM (its peak), or VmRSS's parts
    RssAnon (the process's own memory) and RssFile (mapped files: chDB's 555 MB library
    code, shared and reclaimable by the kernel)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) a live process has used."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process and of its live descendants (e.g. a parser's parse
    processes, whose time reaches the parent's counters only once they are waited for)."""
    return cpu_seconds(pid) + sum(cpu_seconds(c) for c in descendants(pid))


def tree_rss_kb(pid: int) -> int:
    """VmRSS of a process and of its live descendants."""
    return status_kb(pid) + sum(status_kb(c) for c in descendants(pid))
