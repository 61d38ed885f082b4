"""Tests of the aggregator's ClickHouse HTTP interface with real ClickHouse clients."""

import importlib.util
import sys

if importlib.util.find_spec("services.aggregator.store.guard") is None:  # not landed yet
    from tests.clients import _guard_stub

    sys.modules["services.aggregator.store.guard"] = _guard_stub
