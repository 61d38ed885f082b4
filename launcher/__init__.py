"""The launcher: the CLI, the demo, the stack of processes and the doc generators.

The top floor: the only place that names the services (docketwatch, the ground floor,
knows none; services know only docketwatch).
"""
