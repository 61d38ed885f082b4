"""Prometheus metrics of the alerts service (served on /metrics by the OpsServer)."""

from prometheus_client import Counter, Gauge, Histogram

EVALUATIONS = Counter("docketwatch_alerts_evaluations_total", "rule evaluations", ["result"])
EVALUATION_SECONDS = Histogram("docketwatch_alerts_evaluation_seconds",
                               "load snapshot + evaluate rules")
EVENTS = Counter("docketwatch_alerts_events_total", "alert state changes published",
                 ["rule", "status"])
ACTIVE = Gauge("docketwatch_alerts_active", "active alerts (firing, escalated, silenced)")
NOTIFICATIONS = Counter(
    "docketwatch_alerts_notifications_total",
    "delivery attempts by receiver and outcome: sent, rejected (a 4xx refusal: not retried), "
    "failed and malformed_reply (retried), resend_failed (Alertmanager's periodic re-send)",
    ["receiver", "outcome"])
RECEIVER_QUEUE = Gauge("docketwatch_alerts_receiver_queue",
                       "alert changes owed to the receiver and not yet acknowledged",
                       ["receiver"])
