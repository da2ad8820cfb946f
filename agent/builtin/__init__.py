"""The built-in offline optimizer (`--model builtin`): classical passes, no LLM.

Modules, one per pass: `compiler` (regenerate from C with other flags, PGO),
`fast_io` (buffered reader/writer instead of scanf/printf), `ifconvert`
(branches to cmov), `idioms` (popcnt, BMI2 shifts), `peephole`, `align`; plus
`asmtext` (the instruction model they share), `cpu` (target features),
`proposer` (the Proposer) and `driver` (a small optimisation loop).
"""

from agent.builtin.proposer import BuiltinProposer

__all__ = ["BuiltinProposer"]
