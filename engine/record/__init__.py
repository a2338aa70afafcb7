"""Stage 6 — record the run: the notice register, atomic output folders, findings.json and run.json."""
