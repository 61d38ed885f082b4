"""Pure rule functions: Snapshot (+ config) in, Findings out. No I/O here."""
