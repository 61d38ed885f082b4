"""Alerts: monthly spikes, records and silent courts, evaluated from ClickHouse counts.

Modules by role: ``model`` (snapshot and finding types), ``stats`` and ``nowcast`` (the
maths), ``rules/`` (pure rule functions), ``engine`` (runs the rules on a snapshot),
``source`` (where snapshots come from: the aggregator's SQL endpoint or a server),
``state`` (alert lifecycle, rebuilt from the alerts topic), ``outbox`` (what each receiver
is owed: the alerts topic plus each receiver's position), ``grouping`` (one notification per
group of related changes), ``receivers/`` (delivery, retried until acknowledged),
``service`` (the process), ``listing`` (``list_alerts`` for the CLI), ``digest`` (the
weekly digest: its timer, its log and its delivery through the same positions).
"""
