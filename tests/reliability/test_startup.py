"""Start-up on a fresh machine: DW_DATA_DIR need not exist yet.

Regression test: faust's App._create_directories makes <DW_DATA_DIR>/<service> without
parents=True, so the parser and the aggregator used to exit at start with
FileNotFoundError unless another process (the fetcher) had created DW_DATA_DIR first.
"""

from __future__ import annotations

import pytest

from launcher.stack import Stack, wait_until
from launcher.trials import health, start_parser

pytestmark = pytest.mark.integration


def test_parser_starts_when_data_dir_does_not_exist(stack: Stack) -> None:
    data_dir = stack.workdir / "fresh" / "data"
    assert not data_dir.exists()
    port = stack.ops_ports["parser"]
    start_parser(stack, "parser-fresh", {"DW_DATA_DIR": str(data_dir),
                                         "DW_PARSER_OPS_PORT": str(port)})
    proc = stack.procs["parser-fresh"]

    def up() -> bool:
        if proc.poll() is not None:
            raise ChildProcessError(f"parser exited with {proc.returncode}: "
                                    + stack.log_path("parser-fresh").read_text()[-600:])
        return health(stack, port).get("status") == "ok"

    wait_until(up, timeout=60, interval=0.2, what="parser up")
    assert proc.poll() is None, stack.log_path("parser-fresh").read_text()[-600:]
