"""The Textual app (`agent tui`). It only consumes the agent's event stream.

Layout: a header (task, state, elapsed time, best speedup, tokens, cost,
model); the branch tree (branch -> iterations, each with its status and
speedup ± CI); the diff of the selected candidate against the baseline
(AT&T highlighting, hot lines with their percentages, assembler errors on
their lines); speedup over time per branch and for the best so far; a log of
events and model messages.

Keys: arrows move in the tree, enter opens a candidate (on a branch: its
best; on the run: follow the best so far), d unified / side-by-side diff,
a accept the shown candidate (best.s, best.diff, accepted.json), h hint the
branch under the cursor (the run: every branch), p pause or resume it,
s stop the run (resumable), r resume, q quit (resumable).

Files: `app.py` (the app, its keys and the run worker), `session.py` (the run
folder and `execute`), `state.py` (the view folded from events),
`diffrows.py`, `messages.py`, `app.tcss`, and one widget per file in
`widgets/`.
"""
