"""What to try next: search spaces, multi-objective recommendation, exhaustive screening, plots."""
