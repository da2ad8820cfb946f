"""The STOKE-style loop search: its parts on fixed text, and the search end to
end on a hand-written loop whose slack is there by construction (a multiply
by 9 on the loop-carried chain, and a multiply by 1 that does nothing).

Nothing here times a program: cost is llvm-mca's estimate, which depends on
the CPU model but not on load; the search is bounded by proposals, not by
seconds (the seconds are generous and only guard a hang)."""

from __future__ import annotations

import random

import pytest

from agent.builtin import asmtext as at
from agent.builtin import loops, mca, stoke
from agent.builtin import stoke_moves as mv
from agent.builtin.context import PassContext
from tests.conftest import EXAMPLES, needs_sandbox
from tools import asm as asmlib
from tools.task import Task, TestCase
from tools.testing import run_tests

needs_mca = pytest.mark.skipif(
    not mca.available(), reason="llvm-mca is not installed (Debian package llvm)"
)

# h = h * 9 + i for i < n, printed; `imulq $1` lengthens the chain for nothing.
HASH = """\
	.section	.rodata.str1.1,"aMS",@progbits,1
.LC0:
	.string	"%ld"
.LC1:
	.string	"%ld\\n"
	.text
	.globl	main
	.type	main, @function
main:
	subq	$24, %rsp
	leaq	8(%rsp), %rsi
	leaq	.LC0(%rip), %rdi
	xorl	%eax, %eax
	call	__isoc99_scanf@PLT
	movq	8(%rsp), %rcx
	xorl	%eax, %eax
	xorl	%edx, %edx
	testq	%rcx, %rcx
	jle	.L2
.L3:
	imulq	$9, %rax, %rax
	addq	%rdx, %rax
	imulq	$1, %rax, %rax
	addq	$1, %rdx
	cmpq	%rdx, %rcx
	jne	.L3
.L2:
	movq	%rax, %rsi
	leaq	.LC1(%rip), %rdi
	xorl	%eax, %eax
	call	printf@PLT
	xorl	%eax, %eax
	addq	$24, %rsp
	ret
	.size	main, .-main
	.section	.note.GNU-stack,"",@progbits
"""


def _expected(n: int) -> bytes:
    h = 0
    for i in range(n):
        h = (h * 9 + i) % (1 << 64)
    return f"{h - (1 << 64) if h >= 1 << 63 else h}\n".encode()


def _task(asm: str = HASH) -> Task:
    tests = tuple(TestCase(f"n{n}", f"{n}\n".encode(), _expected(n)) for n in (7, 1000, 54321))
    return Task("hash", asm, tests)


def _insn(text: str) -> at.Insn:
    insn = at.parse_insn(0, "\t" + text)
    assert insn is not None, text
    return insn


def _loop_of(survivor: str) -> str:
    lines = survivor.splitlines()
    start = lines.index(".L3:")
    return "\n".join(lines[start : lines.index(".L2:")])


# ------------------------------------------------------------------- pieces


@needs_mca
def test_mca_sees_the_multiply_latency_and_rejects_bad_lines():
    imul = "\timulq\t$9, %rax, %rax\n\taddq\t%rdx, %rax\n"
    lea = "\tleaq\t(%rax,%rax,8), %rax\n\taddq\t%rdx, %rax\n"
    bad = "\taddq\t%rdx, %rax\n\tleal\t$3, %eax\n"  # llvm-mca skips the line but says so
    slow, fast, wrong = mca.cycles_many([imul, lea, bad])
    assert slow is not None and fast is not None
    assert slow > fast + 1  # 3-cycle imul vs 1-2 cycle lea on the chain, on any model
    assert wrong is None
    assert mca.cycles(imul) == slow


def test_mcpu_follows_cpuinfo_when_llvm_does_not_know_the_host():
    amd = {"vendor_id": "AuthenticAMD", "cpu family": "26", "model": "2", "flags": "avx2"}
    assert mca._from_cpuinfo(amd) == "znver3"
    assert mca._from_cpuinfo({**amd, "cpu family": "23", "model": "49"}) == "znver2"
    intel = {"vendor_id": "GenuineIntel", "cpu family": "6", "flags": "avx2 avx512f"}
    assert mca._from_cpuinfo(intel) == "skylake-avx512"
    assert mca._from_cpuinfo({}) == "x86-64"


def test_hottest_innermost_loop_skips_loops_that_call():
    collatz = (EXAMPLES / "collatz" / "prog.s").read_text()
    loop = loops.hottest_innermost(collatz)
    assert loop is not None and loop.name == "main:.L10"  # the .L3 loop calls scanf
    fn = loop.function
    assert [fn.blocks[n].labels for n in loop.blocks] == [[".L10"], [], [".L7"]]
    assert loops.hottest_innermost((EXAMPLES / "sum_scanf" / "prog.s").read_text()) is None


def test_the_profile_picks_between_loops():
    second = HASH.replace(".L2:\n", ".L2:\n\tmovq\t%rax, %r8\n.L9:\n\taddq\t$3, %r8\n\tjne\t.L9\n")
    lines = second.splitlines()
    assert loops.hottest_innermost(second).name == "main:.L3"  # same depth: the first
    hot = {lines.index("\taddq\t$3, %r8") + 1: 80.0}
    assert loops.hottest_innermost(second, PassContext(hot_lines=hot)).name == "main:.L9"


def test_a_call_on_a_path_the_profile_never_saw_does_not_rule_a_loop_out():
    cold = HASH.replace(
        "\taddq\t$1, %rdx\n",
        "\tcmpq\t$-1, %rax\n\tje\t.L7\n.L4:\n\taddq\t$1, %rdx\n",
    ).replace(".L2:\n", "\tjmp\t.L2\n.L7:\n\tcall\trand@PLT\n\tjmp\t.L4\n.L2:\n")
    assert loops.hottest_innermost(cold) is None  # without a profile the call counts
    lines = cold.splitlines()
    hot = {lines.index(text) + 1: 10.0 for text in ("\timulq\t$9, %rax, %rax", "\tjne\t.L3")}
    loop = loops.hottest_innermost(cold, PassContext(hot_lines=hot))
    assert loop is not None and loop.name == "main:.L3" and len(loop.cold) == 1
    region = stoke.Region.of(loop)
    assert "call" not in region.body(region.start)
    assert "imulq\t$9" in region.body(region.start)


def test_liveness_sees_the_compare_rewrite_the_flags():
    loop = loops.hottest_innermost(HASH)
    region = stoke.Region.of(loop)
    view = stoke._View(region, region.start)
    (body,) = view.insns
    assert [i.mnemonic for i in body] == ["imulq", "addq", "imulq", "addq", "cmpq"]
    assert loops.FLAGS not in view.live_after(0, 0)  # cmpq rewrites them before jne
    assert loops.FLAGS in view.live_after(0, 4)  # jne reads cmpq's
    assert "rax" in view.live_after(0, 0) and "rcx" in view.live_after(0, 4)
    assert "r10" not in view.live_after(0, 0)  # printf may clobber it (r8 it may read)


def test_region_renders_the_original_back():
    region = stoke.Region.of(loops.hottest_innermost(HASH))
    assert region.render(region.start) == HASH
    state = stoke._with(region.start, 0, 2, ())
    assert "imulq\t$1" not in region.render(state)
    assert asmlib.normalize(region.render(state)) != asmlib.normalize(HASH)


def test_line_info_inside_the_loop_does_not_freeze_it():
    with_loc = HASH.replace("\taddq\t%rdx, %rax\n", "\t.loc 1 7 3\n\taddq\t%rdx, %rax\n")
    region = stoke.Region.of(loops.hottest_innermost(with_loc))
    assert region.render(region.start) == with_loc
    changed = region.render(stoke._with(region.start, 0, 2, ()))
    assert ".loc 1 7 3" not in changed and "imulq\t$1" not in changed
    with_cfi = HASH.replace("\taddq\t%rdx, %rax\n", "\t.cfi_remember_state\n\taddq\t%rdx, %rax\n")
    assert stoke.Region.of(loops.hottest_innermost(with_cfi)) is None


def test_swaps_respect_registers_flags_and_memory():
    add, imul = _insn("addq\t$1, %rdx"), _insn("imulq\t$9, %rax, %rax")
    assert mv.independent(add, imul, flags_live=False)
    assert not mv.independent(add, imul, flags_live=True)  # both write the flags
    assert not mv.independent(_insn("addq\t%rdx, %rax"), imul)  # imul reads rax
    assert not mv.independent(_insn("movq\t%rax, (%rdi)"), _insn("movq\t8(%rsi), %rcx"))
    assert mv.independent(_insn("movq\t(%rdi), %rax"), _insn("movq\t8(%rsi), %rcx"))
    assert not mv.independent(_insn("cmpq\t%rdx, %rcx"), _insn("jne\t.L3"))


def test_a_deletion_is_sound_only_when_nothing_it_writes_is_read():
    copy = _insn("movq\t%rax, %r8")
    assert mv.dead(copy, frozenset({"rax"}))
    assert not mv.dead(copy, frozenset({"r8"}))
    assert not mv.dead(_insn("movq\t%rax, (%rdi)"), frozenset())  # a store
    assert not mv.dead(_insn("addq\t$1, %rdx"), frozenset({loops.FLAGS}))


def _run(lines: list[str], regs: dict[str, int], width: int) -> dict[str, int]:
    """A tiny interpreter for the catalogue's multiply sequences (mov, lea, sal, add, sub)."""
    mask = (1 << width) - 1
    for line in lines:
        insn = at.parse_insn(0, line)
        ops = insn.operands
        dst = at.reg(ops[-1])[0]
        if insn.base == "lea":
            base, index, scale = mv._MEM.match(ops[0]).group(2, 3, 4)
            value = regs[at.reg(base)[0]] if base else 0
            value += regs[at.reg(index)[0]] * int(scale or 1)
        else:
            src = at.immediate(ops[0]) if ops[0].startswith("$") else regs[at.reg(ops[0])[0]]
            value = {
                "mov": lambda a, b: b,
                "sal": lambda a, b: a << b,
                "add": lambda a, b: a + b,
                "sub": lambda a, b: a - b,
            }[insn.base](regs[dst], src)
        regs = {**regs, dst: value & mask}
    return regs


@pytest.mark.parametrize("width", [32, 64])
@pytest.mark.parametrize("same", [True, False])
def test_every_multiply_rewrite_multiplies(width, same):
    rng = random.Random(width)
    src, dst = ("rcx", "rcx") if same else ("rcx", "r9")
    q = mv.SUFFIX[width]
    rewritten = 0
    for factor in range(2, 130):
        ops = f"${factor}, %{at.name_of(src, width)}, %{at.name_of(dst, width)}"
        for alt in mv.alternatives(_insn(f"imul{q}\t{ops}")):
            rewritten += 1
            assert alt.sound == "flags-dead"
            for _ in range(5):
                x = rng.getrandbits(64)
                out = _run(list(alt.lines), {"rcx": x, "r9": 12345}, width)
                assert out[dst] == (x * factor) & ((1 << width) - 1), (factor, alt.lines)
    assert rewritten >= 22  # every factor m * 2^k with m in 1, 3, 5, 9, and more when dst != src


def test_other_rewrites():
    def lines(text):
        return [alt.lines for alt in mv.alternatives(_insn(text))]

    assert ("\ttestl\t%eax, %eax",) in lines("cmpl\t$0, %eax")
    assert ("\tleaq\t1(%rdx), %rdx",) in lines("addq\t$1, %rdx")
    assert ("\taddq\t%rdx, %rax",) in lines("leaq\t(%rax,%rdx), %rax")
    assert ("\tleaq\t(%rax,%rax,2), %rax", "\taddq\t$1, %rax") in lines(
        "leaq\t1(%rax,%rax,2), %rax"
    )
    assert ("\tcltq",) in lines("movslq\t%eax, %rax")
    assert lines("imulq\t%rdx, %rax") == []


# ------------------------------------------------------------- end to end

BOUND = {"max_steps": 400, "max_runs": 40}


@pytest.fixture(scope="module")
def sandbox():
    from tools.sandbox import Sandbox

    return Sandbox()


@needs_mca
@needs_sandbox
def test_search_takes_the_slack_out_of_the_loop_and_stays_correct(sandbox):
    task = _task()
    result = stoke.explore(HASH, PassContext(), sandbox, task, 600.0, seed=0, **BOUND)
    assert result.loop == "main:.L3" and not result.why
    assert result.survivors, result
    best = result.survivors[0]
    loop = _loop_of(best.text)
    assert "imulq" not in loop  # the multiply by 9 is a lea, the one by 1 is gone
    assert best.cycles < result.start_cycles - 3  # imul $1's latency alone is 3 cycles
    assert result.test_runs <= BOUND["max_runs"]
    assert [s.cycles for s in result.survivors] == sorted(s.cycles for s in result.survivors)
    from tools.build import build

    for survivor in result.survivors:  # every survivor passes the tests, checked afresh
        built = build(survivor.text, sandbox)
        assert built.ok
        assert run_tests(built.binary, task.tests, sandbox, task.compare).ok
    # tidied: nothing outside the multiplies changed
    assert loop.count("\n") == 5 and "addq\t%rdx, %rax" in loop and "addq\t$1, %rdx" in loop


class _FakeJudge:
    """Passes a text when its loop still multiplies by 9 somehow (no sandbox)."""

    def __init__(self, asm, task, sandbox):
        self.seen = []

    def mismatches(self, text: str) -> int:
        loop = _loop_of(text)
        return 0 if "$9," in loop or "(%rax,%rax,8)" in loop else 3


@needs_mca
def test_same_seed_same_search(monkeypatch):
    monkeypatch.setattr(stoke, "_Judge", _FakeJudge)
    runs = [
        stoke.explore(HASH, PassContext(), None, _task(), 600.0, seed=seed, max_steps=300)
        for seed in (1, 1, 2)
    ]
    first, again, other = ([s.text for s in r.survivors] for r in runs)
    assert first and first == again
    assert (runs[0].steps, runs[0].valid, runs[0].test_runs, runs[0].accepted) == (
        runs[1].steps,
        runs[1].valid,
        runs[1].test_runs,
        runs[1].accepted,
    )
    assert runs[2].accepted != runs[0].accepted or other != first or runs[2].valid != runs[0].valid


@needs_mca
@needs_sandbox
def test_search_gives_nothing_without_a_loop_or_with_failing_tests(sandbox):
    sum_scanf = (EXAMPLES / "sum_scanf" / "prog.s").read_text()
    assert stoke.search(sum_scanf, PassContext(), sandbox, _task(sum_scanf), 60.0) == []
    result = stoke.explore(sum_scanf, PassContext(), sandbox, _task(sum_scanf), 60.0)
    assert "no innermost loop" in result.why

    wrong = Task("hash", HASH, (TestCase("bad", b"5\n", b"not what it prints\n"),))
    result = stoke.explore(HASH, PassContext(), sandbox, wrong, 60.0, **BOUND)
    assert "fails its test bad" in result.why and result.survivors == []


def test_as_pass_searches_each_text_once_and_hands_out_its_survivors(monkeypatch):
    calls = []

    def fake_search(asm, ctx, sandbox, task, seconds, seed=0):
        calls.append(asm)
        return ["first\n", "second\n"]

    monkeypatch.setattr(stoke, "search", fake_search)
    apply = stoke.as_pass(_task(), None, 5.0)
    assert [apply(HASH, PassContext()) for _ in range(3)] == ["first\n", "second\n", None]
    assert apply(HASH.replace("\t", " "), PassContext()) is None  # the same text, normalised
    assert calls == [HASH]
