"""Bounded equivalence (tools/prove): refute a one-value bug, prove clang's code, bound a loop.

The program (tests/data/prove/leaf.c) calls three out-of-line leaf functions
from a loop in main. Candidates are gcc's -O3 assembly with one function
changed: a bug that fires for one argument value in four billion, clang's
code for the same function, a loop whose trip count depends on the input.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from agent.cli import main
from tools import asm as asmlib
from tools.prove import ProveOptions, available, prove
from tools.prove.changes import changed
from tools.sandbox import Sandbox

DATA = Path(__file__).parent / "data" / "prove"
BAD_VALUE = 1234567

pytestmark = [
    pytest.mark.skipif(not available(), reason="angr is not installed (the [prove] extra)"),
    pytest.mark.skipif(not shutil.which("bwrap"), reason="bubblewrap is not installed"),
]


def _compile(compiler: str, tmp: Path) -> str:
    out = tmp / f"{compiler}.s"
    subprocess.run(
        [compiler, "-O3", "-S", "-fno-asynchronous-unwind-tables", str(DATA / "leaf.c"), "-o", out],
        check=True,
    )
    return out.read_text()


def _body(text: str, name: str) -> tuple[int, int]:
    """0-based [first, last) line indices of the instructions after `name:` up to its .size."""
    fn = next(f for f in asmlib.parse(text).functions if f.name == name)
    return fn.start, fn.end - 1  # the label line, the .size line


def _splice(base: str, donor: str, name: str) -> str:
    """`base` with `name`'s body taken from `donor` (clang's labels renamed apart)."""
    lines, donor_lines = base.split("\n"), donor.split("\n")
    b0, b1 = _body(base, name)
    d0, d1 = _body(donor, name)
    body = [ln for ln in donor_lines[d0:d1] if not ln.startswith(".Lfunc_end")]
    body = [re.sub(r"\.LBB(\d+)_(\d+)", r".Lclang\1_\2", ln) for ln in body]
    return "\n".join(lines[:b0] + body + lines[b1:])


def _one_value_bug(base: str) -> str:
    """mix returns one more for x == BAD_VALUE, the same everywhere else."""
    lines = base.split("\n")
    start, end = _body(base, "mix")
    ret = max(i for i in range(start, end) if lines[i].strip() == "ret")
    bug = [f"\tcmpl\t${BAD_VALUE}, %edi", "\tjne\t.Lprove_ok", "\txorl\t$1, %eax", ".Lprove_ok:"]
    return "\n".join(lines[:ret] + bug + lines[ret:])


@pytest.fixture(scope="module")
def programs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prove")
    gcc = _compile("gcc", tmp)
    out = {"gcc": gcc, "bug": _one_value_bug(gcc)}
    if shutil.which("clang"):
        clang = _compile("clang", tmp)
        out["clang_mix"] = _splice(gcc, clang, "mix")
        out["clang_popc"] = _splice(gcc, clang, "popc")
    return out


def _task(tmp: Path, baseline: str) -> Path:
    """A task folder: prog.s and tests whose expected outputs come from the baseline."""
    (tmp / "prog.s").write_text(baseline)
    tests = tmp / "tests"
    tests.mkdir()
    binary = tmp / "prog"
    subprocess.run(["gcc", "-o", binary, tmp / "prog.s"], check=True)
    for n in (0, 1, 10, 1000, 5000):
        run = subprocess.run([binary], input=f"{n}\n", capture_output=True, text=True, check=True)
        (tests / f"n{n}.in").write_text(f"{n}\n")
        (tests / f"n{n}.out").write_text(run.stdout)
    return tmp / "prog.s"


def _differential(baseline: Path, candidate: str):
    from tools.build import build
    from tools.evaluate import EvalOptions, prepare_baseline, run_differential
    from tools.task import load_task

    task = load_task(baseline, None, None)
    sandbox = Sandbox(task.limits)
    base = prepare_baseline(task, sandbox, with_profile=False)
    built = build(candidate, sandbox, task.link_flags)
    result = run_differential(built.binary, base, sandbox, EvalOptions(differential=50))
    assert result.checked >= 50, result
    return result


def test_changed_functions_are_found(programs):
    names = [c.name for c in changed(programs["gcc"], programs["bug"])]
    assert names == ["mix"]
    assert changed(programs["gcc"], programs["gcc"]) == []


def test_one_value_bug_passes_the_tests_and_is_refuted_with_that_value(programs, tmp_path, capsys):
    baseline = _task(tmp_path, programs["gcc"])
    candidate = tmp_path / "bug.s"
    candidate.write_text(programs["bug"])
    argv = ["eval", str(candidate), "--baseline", str(baseline), "--json", "--prove"]
    argv += ["--no-profile", "--max-seconds", "1", "--differential", "50"]
    argv += ["--differential-seconds", "20"]
    main(argv)  # returns: exit code 0
    report = json.loads(capsys.readouterr().out)
    assert report["correct"]  # the tests cannot see it, nor can generated inputs:
    assert _differential(baseline, programs["bug"]).mismatches == 0
    proof = report["proof"]
    assert proof["status"] == "refuted"
    (verdict,) = proof["functions"]
    assert verdict["name"] == "mix" and verdict["status"] == "refuted"
    cex = verdict["counterexample"]
    assert int(cex["arguments"]["rdi"], 16) & 0xFFFFFFFF == BAD_VALUE
    assert int(cex["candidate"]["rax"], 16) == int(cex["baseline"]["rax"], 16) ^ 1


@pytest.mark.skipif(not shutil.which("clang"), reason="clang is not installed")
def test_clangs_code_for_the_same_function_is_proved_complete(programs):
    proof = prove(
        programs["gcc"], programs["clang_mix"], Sandbox(), ("-lm",), ProveOptions(cache=False)
    )
    assert proof.status == "proved", proof.to_dict()
    (verdict,) = proof.functions
    assert verdict.bound == "complete"
    assert verdict.seconds < 60
    assert proof.summary() == "proved: mix (complete)"


@pytest.mark.skipif(not shutil.which("clang"), reason="clang is not installed")
def test_a_loop_with_an_input_dependent_trip_count_gets_a_bounded_proof(programs):
    options = ProveOptions(bound=6, cache=False)
    proof = prove(programs["gcc"], programs["clang_popc"], Sandbox(), ("-lm",), options)
    assert proof.status == "proved", proof.to_dict()
    (verdict,) = proof.functions
    assert verdict.bound == "6 iterations"
    assert "bound 6" in proof.summary()


def test_a_caller_saved_register_the_caller_keeps_is_part_of_the_claim(programs):
    """main keeps a value in %r8 across `call popc` (gcc's IPA-RA): clobbering it is refuted."""
    lines = programs["gcc"].split("\n")
    start, end = _body(programs["gcc"], "popc")
    first = next(
        i for i in range(start + 1, end) if lines[i].startswith("\t") and "." not in lines[i][:2]
    )
    clobber = "\n".join([*lines[:first], "\txorl\t%r8d, %r8d", *lines[first:]])
    proof = prove(programs["gcc"], clobber, Sandbox(), ("-lm",), ProveOptions(bound=4, cache=False))
    assert proof.status == "refuted", proof.to_dict()
    cex = proof.functions[0].counterexample
    assert cex["baseline"]["r8"] != cex["candidate"]["r8"]


def _in_main_loop(base: str, old: str, new: str) -> str:
    """`base` with one statement of main's loop (the first occurrence of `old`) replaced."""
    assert old in base
    return base.replace(old, new, 1)


def test_a_change_inside_mains_loop_is_checked_as_that_region(programs):
    """lea instead of add: the flags differ, but the next cmp overwrites them (dead)."""
    step = "\tmovq\t%rsi, %rdi\n\taddq\t$1, %rsi\n"
    same = _in_main_loop(programs["gcc"], step, "\tmovq\t%rsi, %rdi\n\tleaq\t1(%rsi), %rsi\n")
    proof = prove(programs["gcc"], same, Sandbox(), ("-lm",), ProveOptions(bound=3, cache=False))
    (verdict,) = proof.functions
    assert proof.status == "proved", proof.to_dict()
    assert re.fullmatch(r"main loop at line \d+", verdict.name)
    assert verdict.bound == "3 iterations"
    # the accumulator (live after the loop) zeroed each iteration: a difference
    wrong = _in_main_loop(programs["gcc"], step, step + "\txorl\t%r10d, %r10d\n")
    proof = prove(programs["gcc"], wrong, Sandbox(), ("-lm",), ProveOptions(bound=3, cache=False))
    (verdict,) = proof.functions
    assert verdict.status == "unknown" and "difference found in a region" in verdict.why
    assert "r10" in verdict.counterexample["differs"]


def test_verdicts_are_cached_by_the_pair_of_bodies(programs, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = prove(programs["gcc"], programs["bug"], Sandbox(), ("-lm",))
    again = prove(programs["gcc"], programs["bug"], Sandbox(), ("-lm",))
    assert first.status == again.status == "refuted"
    assert list((tmp_path / "asm-superopt" / "proofs").rglob("*.json"))
    assert again.functions[0].seconds == first.functions[0].seconds  # read back, not rerun


def test_without_angr_prove_says_how_to_install_it(programs, tmp_path, monkeypatch, capsys):
    import tools.prove

    monkeypatch.setattr(tools.prove, "available", lambda: False)
    baseline = tmp_path / "prog.s"
    baseline.write_text(programs["gcc"])
    (tmp_path / "tests").mkdir()
    with pytest.raises(SystemExit) as done:
        main(["eval", str(baseline), "--baseline", str(baseline), "--prove"])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "pip install -e '.[prove]'" in err


@pytest.mark.skipif(not shutil.which("clang"), reason="clang is not installed")
async def test_a_refuted_candidate_never_wins_the_run(programs, tmp_path, monkeypatch):
    """The graph's select: the faster, verified, refuted candidate is dropped for the next."""
    from types import SimpleNamespace

    import tools.prove

    monkeypatch.setattr(tools.prove, "_load", lambda key: None)  # decide afresh

    from agent.config import RunConfig
    from agent.graph import select
    from tools.task import Task

    (tmp_path / "bug.s").write_text(programs["bug"])
    (tmp_path / "clang.s").write_text(programs["clang_mix"])
    phases = []
    context = SimpleNamespace(
        config=RunConfig(),
        run_dir=tmp_path,
        task=Task(name="leaf", asm=programs["gcc"], tests=()),
        sandbox=Sandbox(),
        set_phase=lambda branch, phase: phases.append(phase),
        report_of=lambda summary: None,  # no reports written: nothing proved before
    )

    def best(path, speedup):
        return {"path": path, "iteration": 1, "speedup": speedup, "ci": [speedup, speedup],
                "verified": True}  # fmt: skip

    state = {
        "results": [
            {"branch": 0, "best": best("bug.s", 1.5)},
            {"branch": 1, "best": best("clang.s", 1.1)},
        ]
    }
    update = await select(state, SimpleNamespace(context=context))
    assert update["winner"]["path"] == "clang.s"
    assert update["winner"]["proof"]["status"] == "proved"
    assert update["winner"]["proof"]["summary"] == "proved: mix (complete)"
    (dropped,) = update["refuted"]
    assert dropped["path"] == "bug.s" and dropped["proof"]["status"] == "refuted"


REFUTED_PROOF = {
    "status": "refuted",
    "summary": "refuted: mix (...)",
    "functions": [
        {
            "name": "mix",
            "status": "refuted",
            "counterexample": {
                "arguments": {"rdi": "0x12d687"},
                "baseline": {"rax": "0xebff074c"},
                "candidate": {"rax": "0xebff074d"},
            },
            "bound": None,
            "seconds": 0.7,
            "why": "",
            "line": 6,
        }
    ],
}


def test_a_refutation_reaches_the_model_with_the_arguments_and_both_results():
    from agent.feedback import feedback_from, outcome

    report = {
        "assembled": True,
        "errors": [],
        "first_failure": None,
        "hot_lines": [],
        "differential": {"mismatches": 0},
        "speedup": 1.2,
        "speedup_ci": [1.1, 1.3],
        "proof": REFUTED_PROOF,
    }
    text = feedback_from(report).failure
    assert "mix called with %rdi=0x12d687" in text
    assert "0xebff074c" in text and "0xebff074d" in text
    assert outcome(report).startswith("refuted by the proof")


def test_the_batch_summary_counts_proved_refuted_and_unknown_winners():
    from agent.batch.summary import _proofs

    kept = {"source": "branch 0 iteration 1"}
    lines = [
        {"best": kept, "proof": {"status": "proved"}},
        {"best": kept, "proof": {"status": "unknown"}, "refuted": [{"proof": REFUTED_PROOF}]},
        {"best": kept},
        {"best": {"source": "baseline"}},
    ]
    assert _proofs(lines) == {"proved": 1, "refuted": 1, "unknown": 1, "not_checked": 1}


ROTATED = """\
\t.text
\t.globl\tmain
\t.type\tmain, @function
main:
\txorl\t%eax, %eax
\tjmp\t.L3
.L2:
\taddl\t%edi, %eax
\tjne\t.L4
\taddl\t$1, %eax
.L4:
\tsubl\t$1, %edi
.L3:
\ttestl\t%edi, %edi
\tjne\t.L2
\tret
\t.size\tmain, .-main
"""


def test_a_loop_entered_in_its_middle_is_one_region():
    """gcc's rotated loops: the jump in lands on the test at the bottom (.L3)."""
    inc = ("\taddl\t$1, %eax\n", "\tincl\t%eax\n")
    (change,) = changed(ROTATED, ROTATED.replace(*inc))
    assert change.why_not == ""
    assert change.cand_region.label == ".L3" and change.cand_region.top == ".L2"
    entered_twice = ROTATED.replace("\tjmp\t.L3\n", "\tjl\t.L4\n\tjmp\t.L3\n")
    (change,) = changed(entered_twice, entered_twice.replace(*inc))
    assert change.why_not == "change not confined to a region"
