"""The paper's reward scheme, trajectories from a run folder, and verl's
`compute_score` backed by the sandboxed harness."""

from __future__ import annotations

import json

import pytest

from agent.batch.reward import compute_score, reward_from_report, run_trajectories
from tests.conftest import DATA, EXAMPLES, needs_sandbox
from tests.llm_servers import fenced

FAST = (DATA / "collatz_fast.s").read_text()
WRONG = (DATA / "collatz_wrong.s").read_text()
CRASH = """\t.text
\t.globl\tmain
\t.type\tmain, @function
main:
\txorl\t%eax, %eax
\tmovl\t(%rax), %eax
\tret
\t.section\t.note.GNU-stack,"",@progbits
"""


def report(**fields) -> dict:
    base = {
        "assembled": True,
        "correct": True,
        "first_failure": None,
        "timing": {"problem": ""},
        "identical_to_baseline": False,
        "differential": {"inputs": 50, "mismatches": 0, "counterexample": None},
        "speedup": 1.5,
        "speedup_ci": [1.4, 1.6],
        "faster": True,
        "errors": [],
    }
    return base | fields


@pytest.mark.parametrize(
    ("fields", "reward"),
    [
        ({"assembled": False, "correct": False}, -1.0),
        ({"correct": False, "first_failure": {"reason": "killed by SIGSEGV"}}, -0.5),
        ({"correct": False, "first_failure": {"reason": "timeout"}}, -0.5),
        ({"correct": False, "first_failure": {"reason": "exit status 1 (expected 0)"}}, -0.5),
        ({"correct": False, "first_failure": {"reason": "wrong output"}}, 0.0),
        ({"correct": False, "timing": {"problem": "candidate timed out during timing"}}, -0.5),
        (
            {"correct": False, "timing": {"problem": "candidate printed different output"}},
            0.0,
        ),
        ({"differential": {"inputs": 50, "mismatches": 1}}, 0.0),
        ({"identical_to_baseline": True}, 0.0),
        ({"faster": False, "speedup": 1.01}, 0.0),
        ({}, 1.5),
    ],
)
def test_reward_scheme(fields, reward):
    assert reward_from_report(report(**fields)) == reward


def test_no_assembly_in_the_reply_is_minus_one():
    assert reward_from_report(None) == -1.0


def test_trajectories_of_a_run_folder(tmp_path):
    run = tmp_path / "run"
    (run / "proposals").mkdir(parents=True)
    (run / "reports").mkdir()
    prompt = [["system", "You optimise."], ["human", "Make it fast."]]

    def proposal(name, asm, **extra):
        record = {
            "asm": asm,
            "reply": f"reply {name}",
            "model": "openai:m",
            "input_tokens": 10,
            "output_tokens": 5,
            "cost_usd": 0.001,
            "extra": {"prompt": prompt, **extra},
        }
        (run / "proposals" / f"{name}.json").write_text(json.dumps(record))

    proposal("b0-i1", "main: ret")
    (run / "reports" / "b0-i1.json").write_text(json.dumps(report()))
    proposal("b0-i2", None)  # no code in the reply
    proposal("b1-i1", None, error="model error: 500")  # not a model answer
    proposal("b1-i2", "main: ret")  # its evaluation was in flight: left out
    (run / "report.json").write_text(json.dumps({"task": "demo"}))
    entries = run_trajectories(run)
    assert [(e["branch"], e["iteration"], e["reward"]) for e in entries] == [
        (0, 1, 1.5),
        (0, 2, -1.0),
    ]
    first = entries[0]
    assert first["task"] == "demo" and first["completion"] == "reply b0-i1"
    assert first["messages"] == [
        {"role": "system", "content": "You optimise."},
        {"role": "user", "content": "Make it fast."},
    ]


@pytest.fixture(scope="module")
def collatz_record() -> dict:
    folder = EXAMPLES / "collatz"
    tests = sorted((folder / "tests").glob("*.in"))
    return {
        "inputs": [t.read_text() for t in tests],
        "outputs": [t.with_suffix(".out").read_text() for t in tests],
        "c_code": (folder / "prog.c").read_text(),
        "unoptimized_assembly": (folder / "prog.s").read_text(),
        "problem_id": "collatz",
    }


@needs_sandbox
@pytest.mark.parametrize(
    ("answer", "check"),
    [
        # collatz_fast.s takes 1/1.89 of the steps (tests/test_evaluate.py): the
        # reward is its speedup, on any CPU well above this.
        (fenced(FAST), lambda r: r > 1.25),
        (fenced(WRONG), lambda r: r == 0.0),
        (fenced(CRASH), lambda r: r == -0.5),
        ("I would unroll the loop.", lambda r: r == -1.0),
        (fenced(FAST.replace("\tret\n", "\tretq\t%zmm99\n", 1)), lambda r: r == -1.0),
    ],
)
def test_compute_score_has_verls_signature_and_the_papers_rewards(collatz_record, answer, check):
    score = compute_score("superopt", answer, None, collatz_record, timing_seconds=3)
    assert isinstance(score, float) and check(score), score


@needs_sandbox
def test_compute_score_of_a_broken_record_is_zero(collatz_record):
    broken = collatz_record | {"outputs": ["nope\n"] * len(collatz_record["outputs"])}
    assert compute_score("superopt", fenced(FAST), None, broken, baseline="dataset") == 0.0
