"""The optional captcha solver hook (off by default: DW_CAPTCHA_SOLVER_CMD unset).

The command gets the captcha PNG on stdin and ``DW_CAPTCHA_COURT``/``DW_CAPTCHA_ID`` in
its environment, and prints the code. It may be an OCR model or a script that asks a
person. Its answer is submitted once; a rejected answer marks the court (no second guess,
since repeated wrong submissions can get an IP banned). A solved pair is reused for the
court's later searches, as the sites accept it for hours.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shlex
from dataclasses import dataclass

log = logging.getLogger(__name__)

_CODE = re.compile(r"^\d{4,8}$")


@dataclass(frozen=True)
class Solved:
    captcha_id: str
    answer: str


class CaptchaSolver:
    def __init__(self, command: str | None, timeout_s: float = 120.0) -> None:
        self._argv = shlex.split(command) if command else []
        self._timeout = timeout_s
        self._solved: dict[str, Solved] = {}

    @property
    def enabled(self) -> bool:
        return bool(self._argv)

    def current(self, court: str) -> Solved | None:
        return self._solved.get(court)

    def forget(self, court: str) -> None:
        self._solved.pop(court, None)

    async def solve(self, court: str, captcha_id: str, image: bytes) -> Solved | None:
        if not self._argv:
            return None
        env = {**os.environ, "DW_CAPTCHA_COURT": court, "DW_CAPTCHA_ID": captcha_id}
        proc = await asyncio.create_subprocess_exec(
            *self._argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=env)
        try:
            out, err = await asyncio.wait_for(proc.communicate(image), self._timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            log.warning("captcha solver timed out for %s", court)
            return None
        answer = out.decode("utf-8", "replace").strip()
        if proc.returncode != 0 or not _CODE.match(answer):
            log.warning("captcha solver gave no code for %s (exit %s): %s", court,
                        proc.returncode, err.decode("utf-8", "replace")[-300:])
            return None
        solved = Solved(captcha_id, answer)
        self._solved[court] = solved
        return solved
