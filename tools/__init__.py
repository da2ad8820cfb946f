"""Everything that touches gcc, the sandbox and perf. No LLM code lives here, and
nothing here imports `agent` or `tui`."""
