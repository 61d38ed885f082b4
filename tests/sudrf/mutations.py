"""Byte-level mutations of real pages, shared by the property tests and bench/bench_fuzz.py:
truncation, byte flips, slice deletion, duplication and markup injection."""

from __future__ import annotations

import random

SNIPPETS = [
    b"<", b">", b"</table>", b"<table id=\"tablcont\">", b"<tr>", b"<td>", b"</td>", b"<br>",
    b"&nbsp;", b"&lt;", b"\x00", b"\xff\xfe", b"\xd0", "ст. 30 ч.".encode("cp1251"),
    "Всего по запросу найдено — ".encode("cp1251"), "ДЕЛО №".encode(), b"page=99999999999",
    "Проверочный код".encode(), b"</html>", b"<!--", b"<script>", b"31.02.2026",
]


def mutate(rng: random.Random, data: bytes) -> bytes:
    n = len(data)
    if n == 0:
        return rng.choice(SNIPPETS)
    op = rng.randrange(5)
    if op == 0:
        return data[: rng.randrange(n + 1)]
    if op == 1:
        buf = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            buf[rng.randrange(n)] = rng.randrange(256)
        return bytes(buf)
    if op == 2:
        a = rng.randrange(n)
        return data[:a] + data[min(n, a + rng.randint(1, 5000)) :]
    if op == 3:
        a = rng.randrange(n)
        b = min(n, a + rng.randint(1, 3000))
        return data[:b] + data[a:b] + data[b:]
    a = rng.randrange(n + 1)
    return data[:a] + rng.choice(SNIPPETS) + data[a:]
