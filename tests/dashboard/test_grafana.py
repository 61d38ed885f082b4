"""Every panel query of the Grafana dashboard runs against the real views."""

from __future__ import annotations

import json
import re

import pytest

from docketwatch.settings import REPO_ROOT
from tests.dashboard.conftest import Dashboard

pytestmark = pytest.mark.integration

DASHBOARD = REPO_ROOT / "deploy" / "grafana" / "dashboards" / "docketwatch.json"
DATASOURCE_UID = "docketwatch-clickhouse"


def _expand(sql: str) -> str:
    """The plugin's macros and the $category variable, as Grafana would expand them."""
    sql = re.sub(r"\$__timeFilter\((\w+)\)", r"\1 >= toDate('2022-01-01')", sql)
    return sql.replace("${category}", "refusal").replace("$category", "refusal")


def test_every_panel_query_runs(dashboard: Dashboard) -> None:
    doc = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    tables = {t for (t,) in dashboard.sql(
        "SELECT name FROM system.tables WHERE database = currentDatabase()")}
    assert len({p["id"] for p in doc["panels"]}) == len(doc["panels"])
    for panel in doc["panels"]:
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_UID
            sql = _expand(target["rawSql"])
            if any(t in sql and t not in tables for t in ("alert_history", "court_health")):
                continue  # added by other services; empty until then
            dashboard.sql(sql)  # raises on any error
