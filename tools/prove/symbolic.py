"""Bounded symbolic equivalence of two pieces of x86-64 code, with angr.

Both sides start from the same symbolic state, and "same" is made exact by
names: every input register is a symbol named after it (`in_rdi`), every byte
of memory not written yet reads as a symbol named after its address
(`m_7ffffffeffe8`; writable data and bss included, read-only data stays
concrete), and the n-th call returns symbols named after n (`call3_rax`).
The candidate is run under each baseline path's constraints, so a symbolic
address the baseline had to concretise means the same address for both.

What is compared, per pair of paths:
- a function: where it ended (return, or a call that does not return), the
  callee-saved registers, the writes outside its own stack frame, the calls
  (order, callee, and the arguments the callee reads: its live-in registers,
  a library function's prototype, what a printf/scanf format names), and the
  registers the candidate program's callers read after the call (capstone
  liveness at each return site): rax and xmm0, and every caller-saved
  register the baseline leaves untouched (gcc's IPA register allocation lets
  callers keep values there). When not every caller is known (a tail call, a
  function pointer), rax and xmm0 are compared when the baseline sets them,
  unless the C source declares the function void;
- a region (a loop inside main): the exit taken, the registers live there
  (capstone's read/write sets over the baseline's code after the exit), every
  byte written, and the calls.

Limits, said in verdicts where they apply: loops are unrolled `bound` times
(a path past it is cut, and the proof says "bound k"); a call's effect on
memory is not modelled (pointer arguments are compared as addresses); a
symbolic address angr had to fix to one value restricts the claim to it.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field

import angr
import claripy
from angr.storage import DefaultMemory
from capstone import x86_const

STACK = 0x7FFFFFFF0000  # rsp on entry
FRAME = 1 << 20  # the function's own frame lies within this far below STACK
RET = 0x0DEAD000  # the fake return address pushed for a function check
MAX_PATHS = 256
GPRS = ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", *(f"r{i}" for i in range(8, 16)))
INT_ARGS = ("rdi", "rsi", "rdx", "rcx", "r8", "r9")
XMMS = tuple(f"xmm{i}" for i in range(16))
CALLEE_SAVED = ("rbx", "rbp", "r12", "r13", "r14", "r15")
CALLER_SAVED = ("rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11")
NORETURN = frozenset(
    {"exit", "_exit", "_Exit", "abort", "__stack_chk_fail", "__assert_fail", "err", "errx"}
)
_FLAGS_ALL = (
    x86_const.X86_EFLAGS_MODIFY_ZF
    | x86_const.X86_EFLAGS_MODIFY_CF
    | x86_const.X86_EFLAGS_MODIFY_SF
    | x86_const.X86_EFLAGS_MODIFY_OF
    | x86_const.X86_EFLAGS_MODIFY_PF
)
_FLAGS_RESET = (
    x86_const.X86_EFLAGS_RESET_CF | x86_const.X86_EFLAGS_RESET_OF | x86_const.X86_EFLAGS_MODIFY_ZF
)
_FLAGS_READ = sum(
    getattr(x86_const, f"X86_EFLAGS_TEST_{f}") for f in ("OF", "SF", "ZF", "PF", "CF")
)
_FORMAT = re.compile(
    r"%[-+ #0']*(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|L|q|j|z|t)?([diouxXeEfFgGaAcspn[])"
)


class Unknown(Exception):
    """The check cannot decide; the message says why."""


@dataclass
class Side:
    """One program's view of the code under check."""

    project: angr.Project
    entry: int
    stops: dict[int, str]  # address -> exit name ("ret", ".L5", ...)
    region: bool  # a loop inside a function (else a whole function)
    live: dict[str, frozenset[str]] = field(default_factory=dict)  # exit -> live regs
    # caller-saved registers some caller reads after the call (None: callers unknown)
    relied: frozenset[str] | None = None


@dataclass
class Outcome:
    status: str  # proved | differs | unknown
    bound: str = "complete"
    why: str = ""
    model: dict | None = None  # differs: inputs, and both sides' values
    fixed: list[str] = field(default_factory=list)  # addresses angr had to fix


# ------------------------------------------------------------------ the project


def load(binary_path: str, arg_use: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]):
    """An angr project whose calls (library and local) are uninterpreted."""
    project = angr.Project(binary_path, auto_load_libs=False, load_debug_info=False)
    writable = [
        (seg.min_addr, seg.max_addr)
        for seg in project.loader.main_object.segments
        if seg.is_writable
    ]
    project._prove_memory = _memory_class(writable)
    project._prove_arg_use = arg_use
    # address -> function (local labels, kept for regions, may share its address)
    project._prove_functions = {
        sym.rebased_addr: sym.name
        for sym in project.loader.main_object.symbols
        if sym.name in arg_use
    }
    for sym in project.loader.extern_object.symbols:
        if sym.name:
            project.hook(sym.rebased_addr, _Call(sym.name, _library_args(sym.name)), replace=True)
    return project


def hook_locals(project: angr.Project, keep: set[str]) -> None:
    """Make every function of the program except those in `keep` a call to record."""
    for sym in project.loader.main_object.symbols:
        if not sym.is_function or sym.name in keep or not sym.name or sym.rebased_addr == 0:
            continue
        if sym.name.startswith("_") and sym.name not in project._prove_arg_use:
            continue  # _start, __libc_csu_*: never called by the code under check
        ints, xmms = local_args(project, sym.rebased_addr)
        use = project._prove_arg_use.get(sym.name)
        # gcc's IPA-RA: a caller keeps values in the caller-saved registers its callee
        # leaves alone, so a call clobbers only those the callee's body mentions
        clobbers = None if use is None else tuple(r for r in use[2] if r not in CALLEE_SAVED)
        project.hook(sym.rebased_addr, _Call(sym.name, (ints, xmms, False), clobbers), replace=True)


def address(project: angr.Project, name: str) -> int | None:
    sym = project.loader.find_symbol(name)
    return sym.rebased_addr if sym is not None else None


def _memory_class(writable: list[tuple[int, int]]):
    """Memory whose untouched bytes are symbols named by address (shared by both sides)."""

    class NamedMemory(DefaultMemory):
        def _default_value(self, addr, size, **kwargs):
            if self.category == "mem" and type(addr) is int:
                return claripy.Concat(
                    *(claripy.BVS(f"m_{addr + i:x}", 8, explicit_name=True) for i in range(size))
                )
            return super()._default_value(addr, size, **kwargs)

        def _initialize_page(self, pageno, permissions=None, **kwargs):
            lo, hi = pageno * self.page_size, (pageno + 1) * self.page_size - 1
            if any(a <= hi and lo <= b for a, b in writable):
                kwargs["force_default"] = True  # global variables: any value
            return super()._initialize_page(pageno, permissions=permissions, **kwargs)

    return NamedMemory


# ------------------------------------------------------------------------ calls


def _library_args(name: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(int argument registers, xmm argument registers, variadic) from angr's libc prototypes."""
    proto = None
    for lib in angr.SIM_LIBRARIES.get("libc.so.6", ()):
        if lib.has_prototype(name):
            proto = lib.get_prototype(name)
            break
    if proto is None:
        return INT_ARGS, XMMS[:8], False
    ints: list[str] = []
    xmms: list[str] = []
    for arg in proto.args:
        floating = type(arg).__name__ in ("SimTypeFloat", "SimTypeDouble")
        (xmms if floating else ints).append("")
    ints_regs = INT_ARGS[: len(ints)]
    xmm_regs = XMMS[: len(xmms)]
    return ints_regs, xmm_regs, bool(getattr(proto, "variadic", False))


class _Call(angr.SimProcedure):
    """A call: recorded with its arguments; its results are the n-th call's symbols."""

    def __init__(self, callee: str, use, clobbers: tuple[str, ...] | None = None, **kwargs):
        super().__init__(display_name=callee, **kwargs)
        self.callee = callee
        self.ints, self.xmms, self.variadic = use
        self.clobbers = (*CALLER_SAVED, *XMMS) if clobbers is None else clobbers

    def run(self):
        state = self.state
        n = len(state.globals["calls"])
        args = [getattr(state.regs, r) for r in self.ints]
        args += [getattr(state.regs, r)[63:0] for r in self.xmms]
        if self.variadic:
            args += _variadic_args(state, self.callee, len(self.ints), len(self.xmms))
        state.globals["calls"] = (*state.globals["calls"], (self.callee, tuple(args)))
        for reg in self.clobbers:
            if reg in GPRS:
                setattr(state.regs, reg, claripy.BVS(f"call{n}_{reg}", 64, explicit_name=True))
            elif reg in XMMS:
                setattr(state.regs, reg, claripy.BVS(f"call{n}_{reg}", 128, explicit_name=True))
        if self.callee in NORETURN:
            state.globals["ended"] = self.callee
            self.exit(0)
            return None
        return claripy.BVS(f"call{n}_rax", 64, explicit_name=True)


def format_counts(spec: str, callee: str) -> tuple[int, int]:
    """(integer or pointer arguments, floating-point arguments) a printf/scanf format names."""
    n_int = n_xmm = 0
    for match in _FORMAT.finditer(spec.replace("%%", "")):
        n_int += (match.group(1) == "*") + (match.group(2) == "*")
        if match.group(4) in "eEfFgGaA" and "scanf" not in callee:
            n_xmm += 1
        else:
            n_int += 1
    return n_int, n_xmm


def _variadic_args(state, callee: str, fixed_ints: int, fixed_xmms: int) -> list:
    """The arguments a printf/scanf format names (all the rest when it is not concrete)."""
    ints, xmms = list(INT_ARGS[fixed_ints:]), list(XMMS[fixed_xmms:8])
    spec = None
    if "printf" in callee or "scanf" in callee:
        pointer = getattr(state.regs, INT_ARGS[fixed_ints - 1]) if fixed_ints else None
        if pointer is not None and not pointer.symbolic:
            text = state.mem[state.solver.eval(pointer)].string.concrete
            if isinstance(text, bytes):
                spec = text.decode("latin-1")
    if spec is None:
        return [getattr(state.regs, r) for r in ints] + [getattr(state.regs, r)[63:0] for r in xmms]
    n_int, n_xmm = format_counts(spec, callee)
    chosen = [getattr(state.regs, r) for r in ints[:n_int]]
    chosen += [getattr(state.regs, r)[63:0] for r in xmms[:n_xmm]]
    return chosen


# --------------------------------------------------------------------- liveness


def canonical_reg(name: str) -> str | None:
    name = name.lower()
    table = {"a": "rax", "b": "rbx", "c": "rcx", "d": "rdx"}
    if re.fullmatch(r"[re]?[abcd]x|[abcd][lh]", name):
        return table[name.lstrip("re")[0]]
    if re.fullmatch(r"[re]?(si|di|bp|sp)l?", name):
        base = (
            name.lstrip("re").rstrip("l") if name not in ("rsi", "rdi", "rbp", "rsp") else name[1:]
        )
        return "r" + base
    if m := re.fullmatch(r"r(\d+)[dwb]?", name):
        return f"r{m.group(1)}"
    if m := re.fullmatch(r"[xyz]mm(\d+)", name):
        return f"xmm{m.group(1)}"
    if name in ("rflags", "eflags", "flags"):
        return "flags"
    return None


def _full_write(name: str) -> bool:
    """Whether writing this register name defines all of its 64-bit register."""
    return bool(re.fullmatch(r"r[a-z0-9]+|e[a-z]+|r\d+d", name.lower()))


_ZEROING = frozenset({"xor", "sub", "pxor", "xorps", "xorpd", "vpxor", "vxorps", "vxorpd", "sbb"})


def _zeroing(insn) -> bool:
    """`xor %eax, %eax` and the like: the result does not depend on the register."""
    ops = insn.operands
    return (
        insn.mnemonic in _ZEROING
        and len(ops) >= 2
        and all(op.type == x86_const.X86_OP_REG for op in ops)
        and len({op.reg for op in ops}) == 1
        and insn.mnemonic != "sbb"
    )


def _constants_after(insn, known: dict[str, int]) -> dict[str, int]:
    """Registers holding a known constant (a format string's address, %al's vector
    count) after `insn`, from `xor`, `mov $imm` and `lea sym(%rip)` in the block."""
    ops = insn.operands
    if not ops or ops[0].type != x86_const.X86_OP_REG:
        return known
    dest = canonical_reg(insn.reg_name(ops[0].reg))
    if dest not in ("rax", "rdi", "rsi", "rdx"):
        return known
    value = None
    if _zeroing(insn):
        value = 0
    elif insn.mnemonic == "mov" and len(ops) == 2 and ops[1].type == x86_const.X86_OP_IMM:
        value = ops[1].imm
    elif (
        insn.mnemonic == "lea"
        and len(ops) == 2
        and ops[1].type == x86_const.X86_OP_MEM
        and ops[1].mem.base == x86_const.X86_REG_RIP
    ):
        value = insn.address + insn.size + ops[1].mem.disp
    out = {k: v for k, v in known.items() if k != dest}
    if value is not None:
        out[dest] = value
    return out


def _string_at(project: angr.Project, address: int) -> str | None:
    try:
        data = project.loader.memory.load(address, 512)
    except KeyError:
        return None
    return data.split(b"\0", 1)[0].decode("latin-1")


def _call_effect(project: angr.Project, insn, known=None) -> tuple[set[str], set[str]]:
    """What a call reads and clobbers: a function of the program by what its body
    mentions (gcc's IPA-RA callers rely on the rest), a library one by the ABI (a
    variadic one: what its format string names, when the address is known, and as
    many vector registers as %al says)."""
    known = known or {}
    al = known.get("rax")
    vectors = XMMS[:8] if al is None else XMMS[: min(al & 0xFF, 8)]
    everything = {*INT_ARGS, "rax", *vectors, "rsp"}
    abi_kills = {*CALLER_SAVED, *XMMS, "flags"}
    op = insn.operands[0] if insn.operands else None
    if op is None or op.type != x86_const.X86_OP_IMM:
        return everything, abi_kills
    name = project._prove_functions.get(op.imm)
    use = project._prove_arg_use.get(name) if name else None
    if use is not None:
        ints, xmms = local_args(project, op.imm)
        return {*ints, *xmms, "rax", "rsp"}, set(use[2]) - set(CALLEE_SAVED) | {"flags"}
    plt = project.loader.find_plt_stub_name(op.imm)
    if plt is not None:
        ints, xmms, variadic = _library_args(plt)
        if not variadic:
            return {*ints, *xmms, "rsp"}, abi_kills
        where = known.get(ints[-1]) if ints else None
        spec = _string_at(project, where) if where is not None else None
        if spec is not None and ("printf" in plt or "scanf" in plt):
            n_int, n_xmm = format_counts(spec, plt)
            reads = {*INT_ARGS[: len(ints) + n_int], *XMMS[: len(xmms) + n_xmm], "rax", "rsp"}
            return reads, abi_kills
    return everything, abi_kills


def local_args(project: angr.Project, entry: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The argument registers a function of the program reads before writing them."""
    cache = project.__dict__.setdefault("_prove_args", {})
    if entry not in cache:
        cache[entry] = (INT_ARGS, XMMS[:8])  # while computing (recursion): all of them
        live = live_at(project, entry, at_ret=frozenset(CALLEE_SAVED))
        cache[entry] = (
            tuple(r for r in INT_ARGS if r in live),
            tuple(r for r in XMMS[:8] if r in live),
        )
    return cache[entry]


def live_at(
    project: angr.Project,
    start: int,
    budget: int = 4000,
    at_ret: frozenset[str] = frozenset({"rax", "rdx", "xmm0", "xmm1", *CALLEE_SAVED}),
) -> frozenset[str]:
    """Registers (GPRs, xmm0-15, "flags") that may be read after `start` before being written."""
    universe = frozenset((*GPRS, *XMMS, "flags"))
    live: set[str] = set()
    seen: set[tuple[int, frozenset]] = set()
    work = [(start, universe)]
    steps = 0
    while work:
        addr, open_ = work.pop()
        open_ = open_ - live
        if not open_ or (addr, open_) in seen:
            continue
        seen.add((addr, open_))
        if addr in project._sim_procedures or steps > budget:
            live |= open_
            continue
        try:
            block = project.factory.block(addr)
            insns = block.capstone.insns
        except Exception:
            live |= open_
            continue
        if not insns:
            live |= open_
            continue
        ended = False
        known: dict[str, int] = {}  # constants in registers (format strings, %al)
        for ci in insns:
            steps += 1
            insn = ci.insn
            mnemonic = insn.mnemonic
            known = _constants_after(insn, known)
            if mnemonic.startswith("call"):
                reads, kills = _call_effect(project, insn, known)
                live |= open_ & reads
                open_ = open_ - reads - kills
                continue
            if mnemonic.startswith("ret"):
                live |= open_ & at_ret
                ended = True
                break
            read_ids, write_ids = insn.regs_access()
            reads = {canonical_reg(insn.reg_name(r)) for r in read_ids} - {None}
            if _zeroing(insn):
                reads.discard(canonical_reg(insn.reg_name(insn.operands[0].reg)))
            if insn.eflags & _FLAGS_READ:
                reads.add("flags")
            live |= open_ & reads
            open_ = open_ - reads
            for r in write_ids:
                name = insn.reg_name(r)
                canon = canonical_reg(name)
                if canon in GPRS and _full_write(name):
                    open_ = open_ - {canon}
                if canon in XMMS and _zeroing(insn):
                    open_ = open_ - {canon}
            if insn.eflags & _FLAGS_ALL == _FLAGS_ALL or mnemonic in ("xor", "and", "or", "test"):
                open_ = open_ - {"flags"}
        if ended or not open_:
            continue
        last = insns[-1].insn
        if last.mnemonic.startswith("call"):
            work.append((block.addr + block.size, open_))
            continue
        targets = []
        if last.mnemonic.startswith("j"):
            op = last.operands[0]
            if op.type != x86_const.X86_OP_IMM:
                live |= open_  # an indirect jump: assume everything is read
                continue
            targets.append(op.imm)
            if last.mnemonic != "jmp":
                targets.append(block.addr + block.size)
        else:
            targets.append(block.addr + block.size)
        work.extend((t, open_) for t in targets)
    return frozenset(live)


def relied_on(project: angr.Project, target: int) -> frozenset[str] | None:
    """Caller-saved registers (return registers included) live after some call to
    `target` in this program: with gcc's IPA register allocation a caller may keep
    values there across the call, and a void function's rax is read by no one.
    None when not every caller is known (its address is taken, or it is jumped to)."""
    text = project.loader.main_object.sections_map.get(".text")
    if text is None:
        return None
    code = project.loader.memory.load(text.vaddr, text.memsize)
    relied: set[str] = set()
    calls = 0
    for insn in project.arch.capstone.disasm(code, text.vaddr):
        for op in insn.operands:
            if op.type == x86_const.X86_OP_IMM:
                address = op.imm
            elif op.type == x86_const.X86_OP_MEM and op.mem.base == x86_const.X86_REG_RIP:
                address = insn.address + insn.size + op.mem.disp
            else:
                continue
            if address != target:
                continue
            if insn.mnemonic != "call":
                return None  # a tail call or a function pointer: callers unknown
            calls += 1
            relied |= live_at(project, insn.address + insn.size)
    if not calls:
        return None
    return frozenset(relied & {*CALLER_SAVED, *XMMS})


# ------------------------------------------------------------------- execution


def _initial(side: Side, constraints=()) -> angr.SimState:
    options = {
        angr.options.SYMBOL_FILL_UNCONSTRAINED_REGISTERS,
        angr.options.SYMBOL_FILL_UNCONSTRAINED_MEMORY,
    }
    state = side.project.factory.blank_state(
        addr=side.entry, add_options=options, remove_options={angr.options.SIMPLIFY_CONSTRAINTS}
    )
    state.memory.__class__ = side.project._prove_memory
    for reg in GPRS:
        setattr(state.regs, reg, claripy.BVS(f"in_{reg}", 64, explicit_name=True))
    for reg in XMMS:
        setattr(state.regs, reg, claripy.BVS(f"in_{reg}", 128, explicit_name=True))
    state.regs.rsp = STACK
    if not side.region:
        state.memory.store(STACK, claripy.BVV(RET, 64), endness="Iend_LE")
    state.globals["calls"] = ()
    state.globals["writes"] = frozenset()
    state.globals["fixed"] = ()
    state.inspect.b("mem_write", when=angr.BP_AFTER, action=_record_write)
    state.inspect.b("address_concretization", when=angr.BP_AFTER, action=_record_fixed)
    for c in constraints:
        state.solver.add(c)
    return state


def _record_write(state) -> None:
    addr = state.inspect.mem_write_address
    length = state.inspect.mem_write_length
    n = length if isinstance(length, int) else state.solver.max(length)
    if isinstance(addr, int):
        starts = [addr]
    else:
        starts = state.solver.eval_upto(addr, 257)
        if len(starts) > 256:
            state.globals["wild"] = True
    state.globals["writes"] = state.globals["writes"] | {a + i for a in starts for i in range(n)}


def _record_fixed(state) -> None:
    if (
        state.inspect.address_concretization_add_constraints
        and state.inspect.address_concretization_result
    ):
        expr = state.inspect.address_concretization_expr
        if expr is not None and expr.symbolic:
            values = state.inspect.address_concretization_result
            if len(values) == 1:
                state.globals["fixed"] = (
                    *state.globals["fixed"],
                    f"{expr.shallow_repr()}={values[0]:#x}",
                )


@dataclass
class _Run:
    done: list  # (state, exit name)
    cut: bool


def explore(side: Side, state, bound: int, deadline: float) -> _Run:
    """All paths from `state` to an exit, loops unrolled up to `bound` times."""
    simgr = side.project.factory.simulation_manager(state)
    done: list = []
    cut = False
    while simgr.active:
        if time.monotonic() > deadline:
            raise Unknown("time limit")
        if len(simgr.active) > MAX_PATHS:
            raise Unknown(f"more than {MAX_PATHS} paths")
        keep = []
        for s in simgr.active:
            if s.addr in side.stops:
                done.append((s, side.stops[s.addr]))
            elif Counter(s.history.bbl_addrs)[s.addr] > bound:
                cut = True
            else:
                keep.append(s)
        simgr.active[:] = keep
        if not keep:
            break
        simgr.step()
        for s in simgr.deadended:
            ended = s.globals.get("ended")
            if not ended:
                raise Unknown("a path ended without returning (unsupported instruction?)")
            done.append((s, f"call {ended}"))
        simgr.drop(stash="deadended")
        if simgr.errored:
            error = simgr.errored[0].error
            raise Unknown(f"angr failed: {type(error).__name__}: {str(error)[:120]}")
        if simgr.unconstrained:
            raise Unknown("indirect jump or return to an unknown address")
    for s, _ in done:
        if s.globals.get("wild"):
            raise Unknown("a store to a symbolic address with too many values")
    return _Run(done, cut)


# ------------------------------------------------------------------- comparing


def _reg(state, name: str):
    return getattr(state.regs, name)


def _untouched(state, name: str) -> bool:
    value = _reg(state, name)
    return value.op == "BVS" and value.args[0] == f"in_{name}"


def _concrete(state, value) -> int | None:
    return None if value.symbolic else state.solver.eval(value)


def _differences(base, cand, exit_name: str, side: Side) -> list[tuple[str, object]]:
    """(what, condition) pairs: any condition true means the two end states differ."""
    conds = [("rsp", base.regs.rsp != cand.regs.rsp)]
    if side.region:
        regs = sorted(side.live.get(exit_name, frozenset((*GPRS, *XMMS, "flags"))))
    elif side.relied is None:  # callers unknown: the ABI's return registers, when set
        regs = [r for r in ("rax", "xmm0") if not _untouched(base, r)] + list(CALLEE_SAVED)
    else:  # what the callers read after the call: a result, or a value the original kept
        regs = [*CALLEE_SAVED]
        regs += [r for r in sorted(side.relied) if r in ("rax", "xmm0") or _untouched(base, r)]
    for reg in regs:
        if reg == "flags":
            conds.append((reg, base.regs.flags != cand.regs.flags))
        elif reg == "xmm0" and not side.region:
            conds.append((reg, base.regs.xmm0[63:0] != cand.regs.xmm0[63:0]))
        elif reg != "rsp":
            conds.append((reg, _reg(base, reg) != _reg(cand, reg)))
    written = base.globals["writes"] | cand.globals["writes"]
    # A function's own frame is dead once it returns; in a region, what lies below
    # the stack pointer at the exit is (return addresses pushed by calls, spills).
    top = STACK if not side.region else _concrete(base, base.regs.rsp)
    for a in sorted(written):
        if top is not None and STACK - FRAME <= a < top:
            continue
        conds.append((f"memory {a:#x}", base.memory.load(a, 1) != cand.memory.load(a, 1)))
    calls_a, calls_b = base.globals["calls"], cand.globals["calls"]
    if [c[0] for c in calls_a] != [c[0] for c in calls_b]:
        return [("calls", claripy.true())]
    for n, ((name, args_a), (_, args_b)) in enumerate(zip(calls_a, calls_b, strict=True)):
        if len(args_a) != len(args_b):
            return [("calls", claripy.true())]
        conds.extend(
            (f"call {n} ({name}) argument {i + 1}", x != y)
            for i, (x, y) in enumerate(zip(args_a, args_b, strict=True))
        )
    return conds


def _model(solver, base, cand, exit_a: str, exit_b: str, region: bool, conds) -> dict:
    inputs = INT_ARGS if not region else GPRS
    args = {
        r: hex(solver.eval(claripy.BVS(f"in_{r}", 64, explicit_name=True), 1)[0]) for r in inputs
    }
    xmm_args = {
        r: hex(solver.eval(claripy.BVS(f"in_{r}", 128, explicit_name=True)[63:0], 1)[0])
        for r in XMMS[:8]
    }
    memory = {}
    for var in sorted(solver.variables):
        if var.startswith("m_") and len(memory) < 64:
            memory[var[2:]] = solver.eval(claripy.BVS(var, 8, explicit_name=True), 1)[0]

    def results(state, exit_name):
        out = {"exit": exit_name, "rax": hex(solver.eval(state.regs.rax, 1)[0])}
        out["xmm0"] = hex(solver.eval(state.regs.xmm0[63:0], 1)[0])
        out["calls"] = [c[0] for c in state.globals["calls"]]
        return out

    differs = [what for what, cond in conds if solver.eval(cond, 1)[0]]
    return {
        "differs": differs[:8],
        "compared": [what for what, _ in conds if what in (*GPRS, *XMMS)],
        "arguments": args,
        "xmm": xmm_args,
        "memory": memory,
        "baseline": results(base, exit_a),
        "candidate": results(cand, exit_b),
    }


def compare(base: Side, cand: Side, bound: int, seconds: float) -> Outcome:
    """Run both sides; proved, a symbolic difference (to replay), or unknown."""
    deadline = time.monotonic() + seconds
    try:
        run_a = explore(base, _initial(base), bound, deadline)
        cut = run_a.cut
        fixed: list[str] = []
        for state_a, exit_a in run_a.done:
            fixed.extend(state_a.globals["fixed"])
            run_b = explore(cand, _initial(cand, state_a.solver.constraints), bound, deadline)
            cut = cut or run_b.cut
            for state_b, exit_b in run_b.done:
                conds = (
                    [("exit", claripy.true())]
                    if exit_a != exit_b
                    else _differences(state_a, state_b, exit_a, base)
                )
                if not conds:
                    continue
                solver = claripy.Solver(
                    timeout=max(int((deadline - time.monotonic()) * 1000), 1000)
                )
                solver.add(state_b.solver.constraints)
                solver.add(claripy.Or(*(c for _, c in conds)))
                if time.monotonic() > deadline:
                    raise Unknown("time limit")
                if solver.satisfiable():
                    model = _model(solver, state_a, state_b, exit_a, exit_b, base.region, conds)
                    return Outcome("differs", model=model, fixed=fixed)
    except Unknown as exc:
        return Outcome("unknown", why=str(exc))
    except claripy.errors.ClaripySolverInterruptError:
        return Outcome("unknown", why="time limit (solver)")
    except (angr.errors.AngrError, angr.errors.SimError, claripy.errors.ClaripyError) as exc:
        return Outcome("unknown", why=f"angr failed: {type(exc).__name__}: {str(exc)[:120]}")
    bound_text = f"{bound} iterations" if cut else "complete"
    why = f"addresses fixed: {', '.join(sorted(set(fixed))[:3])}" if fixed else ""
    return Outcome("proved", bound=bound_text, why=why, fixed=fixed)
