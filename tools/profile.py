"""Find the hot lines of a candidate's assembly, so the next revision knows where time goes.

Why it works: candidates are linked with `gcc -g prog.s`, so gas writes DWARF
line info for the `.s` itself and a sampled address maps straight to a line of
the assembly the model wrote. These machines have no hardware counters, so
perf samples the `cpu-clock` software event (user mode only, 20 kHz, capped by
the kernel's maximum). Addresses are mapped to lines through the binary's line
table (`objdump --dwarf=decodedline`) rather than perf's `srcline`, which costs
~30 us per sample. Where perf is missing or refused, callgrind counts executed
instructions per line instead (exact, but several times slower). A hot line's
percentage is its share of *all* samples of the run, libc and loader included;
`functions` shows where the rest went (e.g. scanf internals).

Why sandboxed: the profile data is written while an untrusted program runs next
to it, so recording and reporting both happen inside the sandbox; only the
report text comes out, and it is parsed here as untrusted bytes. The binary is
copied to the sandbox's /tmp first: perf cannot read symbols from the
file-descriptor-backed (deleted) file the sandbox mounts.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import io
import math
import re
import secrets
import signal
import struct
import tarfile
from collections import Counter
from dataclasses import dataclass, field

from tools.errors import BadInput
from tools.sandbox import Sandbox, SandboxError

TOOLS = ("auto", "perf", "callgrind")
SAMPLE_HZ = 20000  # ~1000 samples for a 50 ms program; it slowed a run by ~18% here
MAX_FUNCTIONS = 15
REPORT_SLACK_S = 30.0  # wall time for perf report/script after the run
CALLGRIND_SLOWDOWN = 10.0  # callgrind (line counts only) ran 4-5x slower than native here
CALLGRIND_MAX_S = 60.0
OUT_CAP = 64 << 20
SEP = "\x1f"
ASM_NAME = "prog.s"

# The scripts run inside the sandbox with $1 = the binary, $2 = the marker key
# that starts each section of output ("@@KEY name"), $3 = a tar of the test's
# input files (or "-"), then their own arguments: perf: $4 sampling rate, $5 run
# timeout (s), $6 max data size, $7 field separator; callgrind: $4 run timeout
# (s); then the program's own arguments. The program runs in a folder holding
# its input files; its stdout and stderr are discarded.
_COMMON = r"""
W=$(mktemp -d /tmp/asmprof.XXXXXX) || exit 97
trap 'rm -rf "$W"' EXIT
mkdir "$W/run" && cp "$1" "$W/prog" && chmod 555 "$W/prog" || exit 98
if [ "$3" != "-" ]; then tar -xf "$3" -C "$W/run" || exit 98; fi
cd "$W/run" || exit 98
M="@@$2"
"""

_PERF_SCRIPT = (
    _COMMON
    + r"""
command -v perf >/dev/null 2>&1 || { echo "$M missing"; exit 0; }
F=$4
R=$(cat /proc/sys/kernel/perf_event_max_sample_rate 2>/dev/null) || R=$F
if [ "$R" -gt 0 ] 2>/dev/null && [ "$R" -lt "$F" ]; then F=$R; fi
T=$5 S=$6 SEP=$7
shift 7
timeout -s INT -k 2 "$T" perf record -q -e cpu-clock -c "$((1000000000 / F))" --no-buildid-cache \
  --max-size="$S" -o "$W/p.data" -- "$W/prog" "$@" >/dev/null 2>&1
echo "$M status $?"
if [ -s "$W/p.data" ] && perf report -i "$W/p.data" --stdio --header-only >/dev/null 2>&1; then
  echo "$M functions"
  perf report -i "$W/p.data" --stdio --no-children -q -t "$SEP" -F sample,dso,sym 2>/dev/null
  echo "$M ips"
  perf script -i "$W/p.data" -F ip --dsos prog --show-mmap-events 2>/dev/null | sort | uniq -c
  echo "$M linetable"
  objdump --dwarf=decodedline "$W/prog" 2>/dev/null
else
  perf record -q -e cpu-clock -o "$W/probe.data" -- true </dev/null >/dev/null 2>"$W/probe.err"
  echo "$M probe $?"
  head -c 2000 "$W/probe.err"
fi
"""
)

_CALLGRIND_SCRIPT = (
    _COMMON
    + r"""
command -v valgrind >/dev/null 2>&1 || { echo "$M missing"; exit 0; }
T=$4
shift 4
timeout -s TERM -k 2 "$T" valgrind --tool=callgrind --dump-instr=no --dump-line=yes \
  --callgrind-out-file="$W/cg.out" "$W/prog" "$@" >/dev/null 2>&1
echo "$M status $?"
if [ -s "$W/cg.out" ]; then
  echo "$M data"
  cat "$W/cg.out"
else
  valgrind --tool=callgrind --callgrind-out-file="$W/probe.out" true </dev/null >/dev/null \
    2>"$W/probe.err"
  echo "$M probe $?"
  grep -v '^==[0-9]*== *$' "$W/probe.err" | head -c 2000
fi
"""
)


@dataclass(frozen=True)
class HotLine:
    line: int  # 1-based line in the candidate's .s
    percent: float  # share of all samples (or of all instructions for callgrind)
    text: str  # that line of the .s, stripped


@dataclass(frozen=True)
class HotFunction:
    name: str  # symbol, e.g. "main" or "__isoc99_scanf"
    dso: str  # "prog", "libc.so.6", "[kernel.kallsyms]" ...
    percent: float


@dataclass(frozen=True)
class Profile:
    tool: str  # "perf" | "callgrind" | "none"
    hot_lines: tuple[HotLine, ...]  # sorted by percent desc, at most `top`
    functions: tuple[HotFunction, ...]  # sorted desc, at most 15
    samples: int  # perf sample count or total instructions (callgrind)
    message: str = ""  # why the profile is empty (or partial), when it is


class _Unavailable(Exception):
    """The profiler could not run at all (not installed, not permitted)."""


@dataclass(frozen=True)
class _Run:
    """What one profiler gave: the profile, and whether the program exited by itself."""

    profile: Profile
    exited: bool


def profile(
    binary: bytes,
    asm: str,
    stdin: bytes,
    sandbox: Sandbox,
    top: int = 10,
    tool: str = "auto",
    args: tuple[str, ...] = (),
    files: tuple[tuple[str, bytes], ...] = (),
) -> Profile:
    """Run `binary` on `stdin` under a profiler in the sandbox; map samples to `asm` lines.
    `args` and `files` are the test's arguments and input files (a `TestCase`'s).

    `tool="auto"` uses perf, and callgrind when perf is unavailable or caught no
    sample of a program that exited by itself (one shorter than a sampling
    period). Never raises for what the program or the profilers do: the
    message says what went wrong.
    """
    if tool not in TOOLS:
        raise BadInput(f"unknown profiler {tool!r} (use {', '.join(TOOLS)})")
    runners = {"perf": _perf, "callgrind": _callgrind}
    order = ["perf", "callgrind"] if tool == "auto" else [tool]
    reasons: list[str] = []
    first: Profile | None = None
    for name in order:
        try:
            run = runners[name](binary, asm, (stdin, args, files), sandbox, max(top, 0))
        except _Unavailable as exc:
            reasons.append(f"{name}: {exc}")
            continue
        if run.profile.samples > 0 or not run.exited:
            return run.profile  # a run that timed out or crashed would not do better next
        first = first or run.profile
    if first is not None:
        return first
    what = " and ".join("valgrind" if n == "callgrind" else n for n in order)
    verb = "are" if len(order) > 1 else "is"
    return Profile(
        "none", (), (), 0, f"{what} {verb} unavailable: no hot lines ({'; '.join(reasons)})"
    )


# -- perf ------------------------------------------------------------------------


def _no_data(tool: str, what: str, sections: dict, status: str, notes: str) -> _Run:
    """No profile came back: the tool cannot run here at all (its probe on `true`
    failed: unavailable), or this program left it nothing to read."""
    probe = sections.get("probe", "").partition("\n")
    if probe[0].strip() != "0":
        detail = _one_line(probe[2]) or _no_output(sections)
        raise _Unavailable(f"{what} failed: {detail}")
    why = f"{tool} wrote no readable profile data"
    return _Run(Profile(tool, (), (), 0, _join(why, notes)), _exited(status))


def _perf_sections(binary: bytes, stdin: tuple, sandbox: Sandbox) -> tuple[dict[str, str], float]:
    """One run under perf record in the sandbox: the script's output by section,
    and the run's wall limit. `stdin`: (stdin, args, files) of the program."""
    lim = sandbox.limits
    run_s = lim.timeout_s * 1.5 + 1.0  # sampling slows the program down
    file_mb = max(lim.file_mb, 64)
    box = sandbox.with_limits(dataclasses.replace(lim, file_mb=file_mb))
    key = secrets.token_hex(8)
    argv = ["sh", "-c", _PERF_SCRIPT, "sh", "{sb}/prog", key, _tar_arg(stdin), str(SAMPLE_HZ)]
    argv += [f"{run_s:g}", f"{file_mb // 2}M", SEP, *stdin[1]]
    sections = _run(box, argv, binary, stdin, run_s + REPORT_SLACK_S, key)
    if "missing" in sections:
        raise _Unavailable("perf is not installed")
    return sections, run_s


def function_samples(
    binary: bytes,
    sandbox: Sandbox,
    stdin: bytes = b"",
    args: tuple[str, ...] = (),
    files: tuple[tuple[str, bytes], ...] = (),
) -> tuple[Counter[tuple[str, str]], str]:
    """Every sample of one perf run per (dso, symbol), not only the top few (for
    crediting whole files, `tools.from_c`); and why there are none, when none."""
    try:
        sections, run_s = _perf_sections(binary, (stdin, args, files), sandbox)
    except _Unavailable as exc:
        return Counter(), str(exc)
    counts = parse_perf_functions(sections.get("functions", ""))
    if counts:
        return counts, ""
    notes = _status_note(sections.get("status", ""), run_s)
    probe = _one_line(sections.get("probe", "").partition("\n")[2])
    return Counter(), _join("perf recorded no samples", notes, probe)


def _perf(binary: bytes, asm: str, stdin: tuple, sandbox: Sandbox, top: int) -> _Run:
    sections, run_s = _perf_sections(binary, stdin, sandbox)
    status = sections.get("status", "")
    notes = _status_note(status, run_s)
    if "functions" not in sections:
        return _no_data("perf", "perf record", sections, status, notes)
    functions = parse_perf_functions(sections["functions"])
    line_counts = perf_line_counts(sections.get("ips", ""), sections.get("linetable", ""), binary)
    total = max(sum(functions.values()), sum(line_counts.values()))
    if total == 0:
        why = "perf recorded no samples (the run was shorter than a sampling period)"
        return _Run(Profile("perf", (), (), 0, _join(why, notes)), _exited(status))
    prof = _assemble("perf", asm, line_counts, functions, total, top, notes)
    return _Run(prof, _exited(status))


def parse_perf_functions(text: str) -> Counter[tuple[str, str]]:
    """`perf report -t SEP -F sample,dso,sym` -> samples per (dso, symbol)."""
    counts: Counter[tuple[str, str]] = Counter()
    for raw in text.splitlines():
        parts = raw.split(SEP)
        if len(parts) < 3 or not parts[0].strip().isdigit():
            continue
        name = re.sub(r"^\[[^\]]{1,3}\]\s*", "", SEP.join(parts[2:]).strip())
        counts[(parts[1].strip(), name)] += int(parts[0])
    return counts


_IP = re.compile(r"^\s*(\d+)\s+([0-9a-f]+)\s*$")
_MMAP = re.compile(
    r"PERF_RECORD_MMAP2?\s.*?\[(0x[0-9a-f]+)\((0x[0-9a-f]+)\) @ (0x[0-9a-f]+|0)\b.*?\]:"
    r"\s+(\S+)\s+(.*?)\s*$"
)
_ROW = re.compile(r"^(\S+)\s+(\d+|-)\s+(0x[0-9a-f]+)(?:\s+\d+)?(?:\s+x)?\s*$")


def perf_line_counts(ips: str, table: str, binary: bytes) -> Counter[int]:
    """Samples per line of prog.s.

    `ips` is `perf script -F ip --show-mmap-events | sort | uniq -c` (a count
    per runtime address, and where the program's code was mapped); `table` is
    `objdump --dwarf=decodedline` of the binary. Asking perf for `srcline`
    instead costs ~30 us per sample (a second per 1.5 s profiled) here.
    """
    samples: Counter[int] = Counter()
    maps: list[tuple[int, int, int]] = []  # (start, end, file offset) of the program's code
    for raw in ips.splitlines():
        if m := _IP.match(raw):
            samples[int(m.group(2), 16)] += int(m.group(1))
        elif (m := _MMAP.search(raw)) and "x" in m.group(4) and m.group(5).endswith("/prog"):
            start, size, pgoff = (int(g, 16) for g in m.group(1, 2, 3))
            maps.append((start, start + size, pgoff))
    rows = parse_line_table(table)
    if not rows or not maps:
        return Counter()
    segments = _load_segments(binary)
    addresses = [r[0] for r in rows]
    counts: Counter[int] = Counter()
    for ip, n in samples.items():
        link = _link_address(ip, maps, segments)
        i = bisect.bisect_right(addresses, link) - 1 if link is not None else -1
        if i >= 0 and rows[i][1] is not None:
            counts[rows[i][1]] += n
    return counts


def parse_line_table(text: str) -> list[tuple[int, int | None]]:
    """`objdump --dwarf=decodedline` -> sorted (address, prog.s line or None).

    None marks an address where prog.s's line info stops (the end of a
    sequence, or another file's rows)."""
    rows: dict[int, int | None] = {}
    for raw in text.splitlines():
        m = _ROW.match(raw.strip())
        if not m:
            continue
        address = int(m.group(3), 16)
        keep = m.group(2) != "-" and _is_asm_file(m.group(1)) and int(m.group(2)) > 0
        if keep or address not in rows:  # a sequence's end shares its address with the next start
            rows[address] = int(m.group(2)) if keep else None
    return sorted(rows.items())


def _load_segments(binary: bytes) -> list[tuple[int, int, int]]:
    """(file offset, file size, virtual address) of each PT_LOAD of a little-endian ELF64."""
    if binary[:6] != b"\x7fELF\x02\x01" or len(binary) < 64:
        return []
    (phoff,) = struct.unpack_from("<Q", binary, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", binary, 0x36)
    segments = []
    for k in range(min(phnum, 64)):
        at = phoff + k * phentsize
        if phentsize < 56 or at + 56 > len(binary):
            break
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(
            "<IIQQQQ", binary, at
        )
        if p_type == 1:
            segments.append((p_offset, p_filesz, p_vaddr))
    return segments


def _link_address(
    ip: int, maps: list[tuple[int, int, int]], segments: list[tuple[int, int, int]]
) -> int | None:
    """The address objdump shows for runtime address `ip` (PIE or not)."""
    for start, end, pgoff in maps:
        if start <= ip < end:
            offset = pgoff + ip - start
            for p_offset, p_filesz, p_vaddr in segments:
                if p_offset <= offset < p_offset + p_filesz:
                    return p_vaddr + offset - p_offset
            return offset
    return None


# -- callgrind -------------------------------------------------------------------


def _callgrind(binary: bytes, asm: str, stdin: tuple, sandbox: Sandbox, top: int) -> _Run:
    lim = sandbox.limits
    run_s = min(lim.timeout_s * CALLGRIND_SLOWDOWN + 1.0, CALLGRIND_MAX_S)
    box = sandbox.with_limits(
        dataclasses.replace(
            lim,
            cpu_s=max(lim.cpu_s, math.ceil(run_s)),
            memory_mb=lim.memory_mb + 1024,  # valgrind's own share of the address space
            file_mb=max(lim.file_mb, 64),
        )
    )
    key = secrets.token_hex(8)
    argv = ["sh", "-c", _CALLGRIND_SCRIPT, "sh", "{sb}/prog", key, _tar_arg(stdin), f"{run_s:g}"]
    argv += stdin[1]
    sections = _run(box, argv, binary, stdin, run_s + REPORT_SLACK_S, key)
    if "missing" in sections:
        raise _Unavailable("valgrind is not installed")
    status = sections.get("status", "")
    notes = _status_note(status, run_s)
    if "data" not in sections:
        return _no_data("callgrind", "callgrind", sections, status, notes)
    costs = parse_callgrind(sections["data"])
    line_counts: Counter[int] = Counter()
    for (name, line), cost in costs.lines.items():
        if _is_asm_file(name) and line > 0:
            line_counts[line] += cost
    functions: Counter[tuple[str, str]] = Counter()
    for (obj, fn), cost in costs.functions.items():
        functions[(obj.rsplit("/", 1)[-1], fn)] += cost
    if costs.total == 0:
        why = "callgrind counted no instructions"
        return _Run(Profile("callgrind", (), (), 0, _join(why, notes)), _exited(status))
    prof = _assemble("callgrind", asm, line_counts, functions, costs.total, top, notes)
    return _Run(prof, _exited(status))


@dataclass
class CallgrindCosts:
    """Self costs of the first event (Ir) from a callgrind out file."""

    lines: Counter[tuple[str, int]] = field(default_factory=Counter)  # (file, line)
    functions: Counter[tuple[str, str]] = field(default_factory=Counter)  # (object, fn)
    total: int = 0  # the file's totals/summary, or the sum of self costs


_NAMESPACE = {
    "ob": "ob",
    "cob": "ob",
    "fl": "fl",
    "fi": "fl",
    "fe": "fl",
    "cfi": "fl",
    "cfl": "fl",
    "jfi": "fl",
    "fn": "fn",
    "cfn": "fn",
    "jfn": "fn",
}
_SPEC = re.compile(r"^([a-z]+)=(.*)$")
_HEADER = re.compile(r"^([A-Za-z][\w ]*):\s*(.*)$")
_COMPRESSED = re.compile(r"^\((\d+)\)\s*(.*)$")


def parse_callgrind(text: str) -> CallgrindCosts:
    """Parse the callgrind format (valgrind manual, "Callgrind Format Specification").

    Handles name compression (`(id) name` defines, `(id)` refers; fl/fi/fe/cfi
    share one table, fn/cfn another, ob/cob a third), subposition compression
    (`+N`, `-N`, `*` relative to the previous cost line; `0x` hex) and call
    costs: the line after `calls=` is the callee's inclusive cost, which is
    not the caller's self cost. Malformed lines are skipped.
    """
    out = CallgrindCosts()
    names: dict[tuple[str, str], str] = {}
    positions = ["line"]
    event = 0
    totals: int | None = None
    obj = file = fn = ""
    last: list[int] = [0]
    in_call = False
    self_sum = 0

    def name(kind: str, value: str) -> str:
        m = _COMPRESSED.match(value)
        if not m:
            return value.strip()
        ident, given = m.group(1), m.group(2).strip()
        if given:
            names[(_NAMESPACE[kind], ident)] = given
            return given
        return names.get((_NAMESPACE[kind], ident), f"({ident})")

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head = line[0]
        if head.isdigit() or head in "+-*":
            tokens = line.split()
            if len(tokens) < len(positions):
                continue
            try:
                pos = [_subposition(t, p) for t, p in zip(tokens, last, strict=False)]
                costs = [int(t) for t in tokens[len(positions) :]]
            except ValueError:
                continue
            last = pos
            if in_call:
                in_call = False  # inclusive cost of the call: not self cost
                continue
            cost = costs[event] if event < len(costs) else 0
            if "line" in positions:
                out.lines[(file, pos[positions.index("line")])] += cost
            out.functions[(obj, fn)] += cost
            self_sum += cost
            continue
        spec = _SPEC.match(line)
        if spec:
            key, value = spec.groups()
            if key == "calls":
                in_call = True
            elif key in _NAMESPACE:
                resolved = name(key, value)
                if key == "ob":
                    obj = resolved
                elif key in ("fl", "fi", "fe"):
                    file = resolved
                elif key == "fn":
                    fn = re.sub(r"'\d+$", "", resolved)  # recursion levels: one function
            continue
        header = _HEADER.match(line)
        if header:
            key, value = header.group(1).strip(), header.group(2).split()
            if key == "positions" and value:
                positions = value
                last = [0] * len(positions)
            elif key == "events" and value:
                event = value.index("Ir") if "Ir" in value else 0
            elif key in ("totals", "summary") and len(value) > event:
                with contextlib.suppress(ValueError):
                    totals = max(totals or 0, int(value[event]))
    out.total = max(totals or 0, self_sum)
    return out


def _subposition(token: str, previous: int) -> int:
    if token == "*":
        return previous
    sign = token[0] if token[0] in "+-" else ""
    digits = token[len(sign) :]
    value = int(digits, 16) if digits[:2].lower() == "0x" else int(digits)
    if sign == "+":
        return previous + value
    return previous - value if sign else value


# -- shared ----------------------------------------------------------------------


def _tar_arg(run_input: tuple) -> str:
    return "{sb}/files.tar" if run_input[2] else "-"


def _tar(files: tuple[tuple[str, bytes], ...]) -> bytes:
    """The input files as a tar (files read-only), unpacked where the program runs."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o444
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _run(
    box: Sandbox, argv: list[str], binary: bytes, run_input: tuple, timeout: float, key: str
) -> dict[str, str]:
    """Run a profiling script in the sandbox; split its output at `@@key name` markers.
    `run_input`: (stdin, args, files) of the program."""
    stdin, _args, files = run_input
    given = {"prog": (binary, 0o555)}
    if files:
        given["files.tar"] = (_tar(files), 0o444)
    room = sum(len(d) for _, d in files)
    try:
        done = box.run(
            argv, files=given, stdin=stdin, timeout=timeout, out_cap=OUT_CAP, room=2 * room
        )
    except (SandboxError, OSError) as exc:
        raise _Unavailable(f"the sandbox failed: {exc}") from exc
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    marker = f"@@{key} "
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith(marker):
            label, _, rest = line[len(marker) :].partition(" ")
            current = sections.setdefault(label, [])
            if rest:
                current.append(rest)
        elif current is not None:
            current.append(line)
    result = {k: "\n".join(v) for k, v in sections.items()}
    if done.timed_out:
        result.setdefault("timed_out", "1")
    if done.returncode not in (0, None) and not sections:
        result["sandbox"] = done.stderr.decode("utf-8", "replace")
    return result


def _assemble(
    tool: str,
    asm: str,
    line_counts: Counter[int],
    functions: Counter[tuple[str, str]],
    total: int,
    top: int,
    notes: str,
) -> Profile:
    source = asm.split("\n")  # gas counts lines by newline only
    hot = [
        HotLine(n, count * 100.0 / total, source[n - 1].strip())
        for n, count in line_counts.items()
        if count > 0 and n <= len(source)
    ]
    hot.sort(key=lambda h: (-h.percent, h.line))
    funcs = [
        HotFunction(name, dso, count * 100.0 / total)
        for (dso, name), count in functions.items()
        if count > 0
    ]
    funcs.sort(key=lambda f: (-f.percent, f.dso, f.name))
    message = notes
    if not hot:
        unit = "samples" if tool == "perf" else "instructions"
        why = f"none of the {total} {unit} fell on lines of the .s"
        if re.search(r"^\s*\.loc\s", asm, re.M):
            why += " (its .loc directives map the code to its C source instead)"
        message = _join(why, notes)
    return Profile(tool, tuple(hot[:top]), tuple(funcs[:MAX_FUNCTIONS]), total, message)


def _status_note(status: str, run_s: float) -> str:
    """What the program's exit status says about how complete the profile is."""
    try:
        code = int(status.split()[0])
    except (ValueError, IndexError):
        return ""
    if code == 124:
        return f"the program was stopped after {run_s:g} s: the profile covers that part"
    if code > 128:
        try:
            name = signal.Signals(code - 128).name
        except ValueError:
            name = f"signal {code - 128}"
        return f"the program was killed by {name}"
    if code != 0:
        return f"the program exited with status {code}"
    return ""


def _exited(status: str) -> bool:
    """Whether the program ended by itself (not stopped by the timeout, not killed)."""
    try:
        return 0 <= int(status.split()[0]) < 124
    except (ValueError, IndexError):
        return False


def _is_asm_file(name: str) -> bool:
    return name == ASM_NAME or name.endswith("/" + ASM_NAME)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


def _no_output(sections: dict[str, str]) -> str:
    if "timed_out" in sections:
        return "the profiling run timed out"
    if "sandbox" in sections:
        return _one_line(sections["sandbox"]) or "the sandbox failed"
    return "no profile data"


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)
