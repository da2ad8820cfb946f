"""Target CPUs: which instruction-set extensions a candidate may use.

`--target-cpu native|x86-64|x86-64-v2|x86-64-v3`. "native" is what this
machine's /proc/cpuinfo lists; the others are the x86-64 psABI
micro-architecture levels, so a candidate made for them runs on any CPU of that
level. Every pass asks `features(target)` before it emits an extension
instruction, compiler variants get the matching `-march`, and `uses(asm)` lets
the proposer refuse a candidate that needs more than the target has (unless the
baseline already needed it).
"""

from __future__ import annotations

import functools
import re

from tools.errors import BadInput

TARGETS = ("native", "x86-64", "x86-64-v2", "x86-64-v3")

_BASE = frozenset({"cmov", "cx8", "fpu", "fxsr", "mmx", "sse", "sse2", "syscall", "lm"})
_V2 = _BASE | {"cx16", "lahf_lm", "popcnt", "sse3", "sse4_1", "sse4_2", "ssse3"}
_V3 = _V2 | {"avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "lzcnt", "movbe", "xsave"}
LEVELS = {"x86-64": _BASE, "x86-64-v2": frozenset(_V2), "x86-64-v3": frozenset(_V3)}

# /proc/cpuinfo spellings of the features above.
_CPUINFO_ALIASES = {"pni": "sse3", "abm": "lzcnt"}


def check_target(target: str) -> str:
    if target not in TARGETS:
        raise BadInput(f"unknown target CPU {target!r} (use {', '.join(TARGETS)})")
    return target


@functools.cache
def native_features() -> frozenset[str]:
    """The flags of this machine's first CPU in /proc/cpuinfo (empty when unreadable)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    flags |= {_CPUINFO_ALIASES[f] for f in flags if f in _CPUINFO_ALIASES}
                    return frozenset(flags)
    except OSError:
        pass
    return frozenset()


def features(target: str) -> frozenset[str]:
    """Extensions a candidate for `target` may use."""
    check_target(target)
    if target == "native":
        return native_features() or _BASE
    return LEVELS[target]


def march(target: str) -> str:
    """The gcc/clang `-march` flag for the target."""
    check_target(target)
    return f"-march={target}"


# Instructions (by mnemonic, without size suffix) that need an extension.
_NEEDS = {
    "popcnt": "popcnt",
    "lzcnt": "lzcnt",
    "tzcnt": "bmi1",
    "andn": "bmi1",
    "bextr": "bmi1",
    "blsi": "bmi1",
    "blsr": "bmi1",
    "blsmsk": "bmi1",
    "bzhi": "bmi2",
    "shlx": "bmi2",
    "shrx": "bmi2",
    "sarx": "bmi2",
    "rorx": "bmi2",
    "pdep": "bmi2",
    "pext": "bmi2",
    "mulx": "bmi2",
    "movbe": "movbe",
    "crc32": "sse4_2",
    "pcmpistri": "sse4_2",
    "pcmpestri": "sse4_2",
    "ptest": "sse4_1",
    "pshufb": "ssse3",
    "palignr": "ssse3",
    "cmpxchg16b": "cx16",
}
_VFMA = re.compile(r"^vf(?:n?m(?:add|sub)|maddsub|msubadd)")
_LINE = re.compile(r"^\s*(?:[A-Za-z_.$][\w.$]*:\s*)*([a-z][a-z0-9]*)\b(.*)$")


def _strip_suffix(mnemonic: str) -> str:
    for name in (mnemonic, mnemonic[:-1]):
        if name in _NEEDS:
            return name
    return mnemonic


def uses(asm: str) -> frozenset[str]:
    """Extensions the code of `asm` needs (as far as these tables know)."""
    needed: set[str] = set()
    for raw in asm.splitlines():
        line = raw.split("#", 1)[0]
        match = _LINE.match(line)
        if not match or line.lstrip().startswith("."):
            continue
        mnemonic, rest = match.group(1), match.group(2)
        base = _strip_suffix(mnemonic)
        if base in _NEEDS:
            needed.add(_NEEDS[base])
        if _VFMA.match(mnemonic):
            needed.add("fma")
        if "%zmm" in rest or re.search(r"%k[0-7]\b", rest):
            needed.add("avx512f")
        elif "%ymm" in rest:
            needed.add("avx2" if not mnemonic.startswith("vbroadcast") else "avx")
        elif mnemonic.startswith("v") and "%xmm" in rest:
            needed.add("avx")
    return frozenset(needed)


def allowed(candidate: str, baseline: str, target: str) -> bool:
    """Whether `candidate` needs only what the target has (or the baseline needed anyway)."""
    extra = uses(candidate) - uses(baseline)
    return extra <= features(target)
