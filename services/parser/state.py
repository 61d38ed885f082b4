"""What the parser's case table stores per case: the merged snapshot and the raw-topic
position of the last page that changed it.

After a crash the table (restored from its changelog) can be ahead of the committed
offsets. Re-reading a page the table already reflects would merge an older observation
into a newer state and invent a change; the stored position lets the parser skip it.
"""

from __future__ import annotations

import json

from docketwatch.contract import CaseSnapshot

Position = tuple[int, int]  # (raw-topic partition, offset)


def encode_state(snapshot: CaseSnapshot, position: Position) -> str:
    return json.dumps({"p": position[0], "o": position[1],
                       "s": json.loads(snapshot.model_dump_json())}, ensure_ascii=False)


def decode_state(raw: str | None) -> tuple[CaseSnapshot | None, Position | None]:
    if not raw:
        return None, None
    data = json.loads(raw)
    if "s" not in data:  # a bare snapshot, as written before positions were kept
        return CaseSnapshot.model_validate(data), None
    return CaseSnapshot.model_validate(data["s"]), (int(data["p"]), int(data["o"]))


def already_applied(stored: Position | None, position: Position) -> bool:
    """True if the page at ``position`` is at or before the one the state reflects.

    Offsets only compare within one partition (a case's pages all come from its court's
    partition unless the topic was re-partitioned, and then nothing is skipped).
    """
    return stored is not None and stored[0] == position[0] and position[1] <= stored[1]
