"""The built-in offline optimizer (`--model builtin`): classical moves, no LLM.

It is a `Proposer` like any model and runs inside the agent's graph, which
judges every proposal and tells it which one it accepted. Modules, one job each:

    proposer   BuiltinProposer: per task, asks the policy and makes the first new move
    moves      the registry of moves (assembly passes, regenerations); add one here
    policy     which move to try next, best first
    memory     what was made from what, proposed, accepted or rejected (per task)
    builds     compiler variants compiled once, raced, mixed
    mix        per-function mixing of the best builds, by their profiles
    race       racing builds on the slowest input (a cheap first look)
    profiling  each text's profile, as the passes see it (PassContext)
    bench      the task's sandbox and slowest test
    ablation   what each move of a winner added (the `explain` capability)

The moves themselves: `compiler` (regenerate from C with other flags, PGO),
`fast_io` (buffered reader/writer instead of scanf/printf), `ifconvert`
(branches to cmov), `idioms` (popcnt, BMI2 shifts), `peephole`, `align`,
`splice` (functions from one compile into another); `asmtext` is the
instruction model they share, `context` what a pass knows besides the text,
`cpu` the target's features. Imports flow down this list: the moves know
nothing of the proposer.
"""

from agent.builtin.proposer import BuiltinProposer

__all__ = ["BuiltinProposer"]
