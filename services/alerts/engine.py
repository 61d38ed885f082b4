"""Runs every rule on one snapshot. Pure: the same call on ClickHouse rows or test data."""

from __future__ import annotations

from services.alerts.config import RulesConfig
from services.alerts.model import Evaluation, Snapshot
from services.alerts.rules.health import court_state_rules, dead_letter_rules, quiet_court_rules
from services.alerts.rules.monthly import monthly_rules

RULE_SETS = (monthly_rules, quiet_court_rules, court_state_rules, dead_letter_rules)


def evaluate(snapshot: Snapshot, cfg: RulesConfig) -> Evaluation:
    result = Evaluation(as_of=snapshot.as_of)
    for rule_set in RULE_SETS:
        findings, ran = rule_set(snapshot, cfg)
        result.findings.extend(findings)
        result.evaluated_rules |= ran
    return result
