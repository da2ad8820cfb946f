"""Cycles of a straight-line piece of assembly, estimated by `llvm-mca`.

llvm-mca simulates the out-of-order core of a CPU model on the instructions it
is given, repeated `iterations` times, and prints the total cycles. Divided by
the iterations that is an estimate of the cycles per trip of a loop body,
loop-carried dependencies included (an `imul` chain costs its 3-cycle latency
per trip, an `add` chain 1). It never runs anything: it only parses the text,
so it is safe on untrusted assembly and takes about 10 ms.

What it does not know, and what the estimate therefore leaves out: branches
are all taken as falling through in order (every block given counts, whatever
path a trip really takes), calls are charged a flat 100 cycles, caches always
hit, and the CPU model is LLVM 14's idea of the host (`mcpu`).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess

ITERATIONS = 100
TIMEOUT_S = 20.0
_REGION = re.compile(r"Code Region - r(\d+)\s.*?^Total Cycles:\s+(\d+)", re.MULTILINE | re.DOTALL)
_ERROR = re.compile(r"^<stdin>:(\d+):\d+: error:", re.MULTILINE)
_HOST = re.compile(r"Host CPU:\s*(\S+)")


def available() -> bool:
    return shutil.which("llvm-mca") is not None


@functools.cache
def mcpu() -> str:
    """The `-mcpu` for this machine: LLVM's own host name when it knows the
    CPU, else the closest model LLVM 14 has, from /proc/cpuinfo (a newer Zen
    is modelled as znver3, an Intel core by its vector width), else x86-64."""
    if not available():
        return "x86-64"
    out = subprocess.run(
        ["llvm-mca", "--version"], capture_output=True, text=True, timeout=TIMEOUT_S
    ).stdout
    match = _HOST.search(out)
    if match and match.group(1) not in ("(unknown)", "generic"):
        return match.group(1)
    return _from_cpuinfo(_cpuinfo())


def _cpuinfo() -> dict[str, str]:
    info: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if not line.strip():
                    break  # the first CPU is enough
                key, _, value = line.partition(":")
                info[key.strip()] = value.strip()
    except OSError:
        pass
    return info


def _from_cpuinfo(info: dict[str, str]) -> str:
    vendor = info.get("vendor_id", "")
    flags = set(info.get("flags", "").split())
    try:
        family, model = int(info.get("cpu family", "0")), int(info.get("model", "0"))
    except ValueError:
        family, model = 0, 0
    if vendor == "AuthenticAMD" and family >= 23:
        if family == 23:
            return "znver1" if model < 0x30 else "znver2"
        return "znver3"
    if vendor == "GenuineIntel" and family == 6:
        if "avx512f" in flags:
            return "skylake-avx512"
        return "skylake" if "avx2" in flags else "x86-64"
    return "x86-64"


def cycles(body: str, iterations: int = ITERATIONS, cpu: str | None = None) -> float | None:
    """Estimated cycles per trip of `body` (GAS instructions, no label
    definitions); None when llvm-mca rejects any of its lines."""
    return cycles_many([body], iterations, cpu)[0]


def cycles_many(
    bodies: list[str], iterations: int = ITERATIONS, cpu: str | None = None
) -> list[float | None]:
    """`cycles` of each body, in one run of llvm-mca (its start-up costs
    about 30 ms, each extra body about 1 ms): each body is a code region of
    its own. A body with a line llvm-mca rejects gets None (llvm-mca itself
    reports the error, skips the line and goes on, so its stderr decides)."""
    if not bodies:
        return []
    lines: list[str] = []
    owner: dict[int, int] = {}  # 1-based line -> body
    for k, body in enumerate(bodies):
        lines.append(f"# LLVM-MCA-BEGIN r{k}")
        for line in body.splitlines():
            lines.append(line)
            owner[len(lines)] = k
        lines.append(f"# LLVM-MCA-END r{k}")
    proc = subprocess.run(
        [
            "llvm-mca",
            f"-mcpu={cpu or mcpu()}",
            f"-iterations={iterations}",
            "-instruction-info=0",
            "-resource-pressure=0",
            "-",
        ],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    found: list[float | None] = [None] * len(bodies)
    if proc.returncode != 0:
        return found
    for match in _REGION.finditer(proc.stdout):
        found[int(match.group(1))] = int(match.group(2)) / iterations
    for match in _ERROR.finditer(proc.stderr):
        bad = owner.get(int(match.group(1)))
        if bad is not None:
            found[bad] = None
    return found
