"""Replay a counterexample concretely: call both functions with its arguments, in the sandbox.

A generated C harness is linked with each program (its `main` renamed away)
and calls the function through a small assembly trampoline that loads rdi..r9
and xmm0..7 from a table, calls, and stores rax, xmm0 and the callee-saved
registers back. Both programs are built and run in one sandbox launch; the
counterexample stands only when the registers differ (what the function printed
is shown, but a writer that buffers may not flush before the harness ends).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from tools.sandbox import Sandbox

_MAIN = re.compile(r"(?<![\w.$])main(?![\w.$])")
# The order __prove_call stores registers in after the call.
OUT_ORDER = (
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "xmm0",
)  # fmt: skip
_STORES = (
    "\n".join(f"    movq %{r}, {8 * i}(%r11)" for i, r in enumerate(OUT_ORDER) if r != "r11")
    + f"\n    popq %rax\n    movq %rax, {8 * OUT_ORDER.index('r11')}(%r11)"
)

DEFAULT_OUTPUTS = ("rax", "xmm0", "rbx", "rbp", "r12", "r13", "r14", "r15")

_TRAMPOLINE = (
    r"""
    .text
    .globl __prove_call
__prove_call:
    pushq %rbx; pushq %rbp; pushq %r12; pushq %r13; pushq %r14; pushq %r15
    subq $8, %rsp
    leaq __prove_io(%rip), %rax
    movq 48(%rax), %xmm0; movq 56(%rax), %xmm1; movq 64(%rax), %xmm2; movq 72(%rax), %xmm3
    movq 80(%rax), %xmm4; movq 88(%rax), %xmm5; movq 96(%rax), %xmm6; movq 104(%rax), %xmm7
    movq $0x5a5a5a5a5a5a5a5a, %rbx; movq %rbx, %rbp; movq %rbx, %r12
    movq %rbx, %r13; movq %rbx, %r14; movq %rbx, %r15; movq %rbx, %r10; movq %rbx, %r11
    movq 8(%rax), %rsi; movq 16(%rax), %rdx; movq 24(%rax), %rcx
    movq 32(%rax), %r8; movq 40(%rax), %r9; movq 0(%rax), %rdi
    movl $8, %eax
    call *__prove_fn_ptr(%rip)
    pushq %r11
    leaq __prove_out(%rip), %r11
"""
    + _STORES
    + r"""
    addq $8, %rsp
    popq %r15; popq %r14; popq %r13; popq %r12; popq %rbp; popq %rbx
    ret
"""
)


@dataclass(frozen=True)
class Replay:
    differs: bool
    baseline: dict
    candidate: dict
    why: str = ""


def harness(function: str, ints: list[int], xmms: list[int], outputs: list[str]) -> str:
    """C source that calls `function` once with these registers and prints `outputs`."""
    values = ", ".join(f"{v:#x}UL" for v in (ints + xmms)[:14])
    names = " ".join(f"{n}=%lx" for n in outputs)
    printed = ", ".join(f"__prove_out[{OUT_ORDER.index(n)}]" for n in outputs)
    return f"""#include <stdio.h>
unsigned long __prove_io[14] = {{ {values} }};
unsigned long __prove_out[16];
extern char __prove_fn[] __asm__("{function}");
void *__prove_fn_ptr = __prove_fn;
void __prove_call(void);
__asm__({_c_string(_TRAMPOLINE)});
int main(void) {{
    fflush(stdout);
    __prove_call();
    fflush(stdout);
    printf("\\n__prove__ {names}\\n", {printed});
    return 0;
}}
"""


def _c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def without_main(asm: str, function: str) -> str:
    """The program with `main` renamed (the harness has its own) and `function` global."""
    out = []
    for line in asm.splitlines():
        stripped = line.strip()
        if (
            stripped.startswith((".globl", ".global", ".type", ".size", "main:"))
            or stripped == "main:"
        ):
            line = _MAIN.sub("__prove_program_main", line)
        out.append(line)
    return "\n".join(out) + f"\n\t.globl\t{function}\n"


def replay(
    function: str,
    baseline: str,
    candidate: str,
    ints: list[int],
    xmms: list[int],
    sandbox: Sandbox,
    link_flags: tuple[str, ...] = (),
    outputs: list[str] | None = None,
) -> Replay:
    """Build and run the harness against both programs; compare what they printed."""
    files = {
        "h.c": (harness(function, ints, xmms, outputs or list(DEFAULT_OUTPUTS)).encode(), 0o444),
        "a.s": (without_main(baseline, function).encode("utf-8", "surrogateescape"), 0o444),
        "b.s": (without_main(candidate, function).encode("utf-8", "surrogateescape"), 0o444),
    }
    flags = " ".join(shlex.quote(f) for f in link_flags)
    script = (
        f"gcc -O1 -no-pie -o /tmp/a {{sb}}/h.c {{sb}}/a.s {flags} >&2 && "
        f"gcc -O1 -no-pie -o /tmp/b {{sb}}/h.c {{sb}}/b.s {flags} >&2 || exit 99; "
        "echo __A__; /tmp/a </dev/null; echo; echo __rc=$?; echo __B__; /tmp/b </dev/null; "
        "echo; echo __rc=$?"
    )
    done = sandbox.run(["sh", "-c", script], files=files, timeout=60)
    text = done.stdout.decode("utf-8", "replace")
    if done.returncode == 99 or "__B__" not in text:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return Replay(False, {}, {}, f"harness did not build: {message[-1] if message else ''}")
    part_a, part_b = text.split("__B__", 1)
    a, b = _results(part_a.replace("__A__", "", 1)), _results(part_b)
    # Registers decide; printed output only informs (a buffered writer's output
    # may never be flushed when the harness, not the program's main, returns).
    registers = [k for k in (*a, *b) if k != "stdout"]
    return Replay(any(a.get(k) != b.get(k) for k in registers), a, b)


def _results(text: str) -> dict:
    out: dict = {}
    match = re.search(r"__prove__ (.*)", text)
    if match:
        out.update(pair.split("=", 1) for pair in match.group(1).split())
        for key in out:
            out[key] = "0x" + out[key]
    else:
        out["crashed"] = True
    printed = text[: match.start()] if match else text
    printed = re.sub(r"\n?__rc=\d+\s*$", "", printed).strip("\n")
    if printed:
        out["stdout"] = printed[:200]
    return out
