"""Where a text spends its time, as the assembly passes see it (`PassContext`).

Each text is profiled once per target, in the sandbox, on the task's slowest
test (perf's hot lines of the `.s` itself and hot functions, libc's
included). Without a sandbox, or when the profile has no samples, a pass gets
the harness's feedback on that text when the caller has it (the hot lines of
its own evaluation), else no profile: passes still work without one, only
less surely on the right lines.
"""

from __future__ import annotations

from agent.builtin.bench import Bench
from agent.builtin.context import (
    PassContext,
    from_profile,
    parse_hot_functions,
    parse_hot_lines,
)
from agent.builtin.memory import digest
from agent.proposer import Feedback
from tools.build import build
from tools.profile import profile
from tools.sandbox import SandboxError

PROFILE_LINES = 60


class Profiler:
    def __init__(self, bench: Bench):
        self.bench = bench
        self._contexts: dict[tuple[str, str], PassContext] = {}

    def context(self, asm: str, target: str, feedback: Feedback | None = None) -> PassContext:
        """The profile context of `asm` (cached); `feedback`, about this very text,
        stands in when it cannot be profiled."""
        key = (digest(asm), target)
        if key not in self._contexts:
            ctx = self._profile(asm, target)
            if ctx is None and feedback is not None:
                ctx = PassContext(
                    target=target,
                    hot_lines=parse_hot_lines(feedback.hot_lines),
                    hot_functions=parse_hot_functions(feedback.hot_functions),
                )
            self._contexts[key] = ctx or PassContext(target=target)
        return self._contexts[key]

    def _profile(self, asm: str, target: str) -> PassContext | None:
        sandbox = self.bench.sandbox()
        if sandbox is None:
            return None
        task = self.bench.task
        try:
            built = build(asm, sandbox, task.link_flags, task.objects)
            if not built.ok:
                return None
            slowest = self.bench.slowest(built.binary)
            if slowest is None:
                return None
            prof = profile(
                built.binary,
                asm,
                slowest.input,
                sandbox,
                top=PROFILE_LINES,
                args=slowest.args,
                files=slowest.files,
            )
        except (SandboxError, OSError):  # profiling is advice: the passes work without it
            return None
        if not prof.samples:
            return None
        return from_profile(prof, target=target)
