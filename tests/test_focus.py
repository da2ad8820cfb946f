"""`--function NAME`: the work restricted to one function and what it alone
calls, candidates spliced back into the whole file (agent/focus.py)."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess

import pytest

from agent import focus
from agent.proposer import Proposal, ProposalRequest
from tests.conftest import agent, agent_env, needs_sandbox
from tests.llm_servers import OpenAIServer, Reply, fenced, prompt_text
from tools import c_source
from tools.errors import BadInput
from tools.task import Task, TestCase

# `checksum` alone calls the static `mix`; `scale` is static but main calls it
# too; `twice` is global (other files could call it). `noinline` keeps them apart.
SOURCE = r"""#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) static long mix(const int *a, int n)
{
    long s = 0;
    for (int i = 0; i < n; i++) s += a[i] * 2654435761L;
    if (s < -77) abort();
    return s ^ (s >> 7);
}

__attribute__((noinline)) static int scale(int x) { return 3 * x + 1; }
__attribute__((noinline)) int twice(int x) { return 2 * x; }

__attribute__((noinline)) long checksum(const int *a, int n)
{
    long s = mix(a, n) + mix(a, n / 2);
    for (int i = 0; i < n; i++) s += twice(a[i]) + scale(i);
    return s;
}

int main(void)
{
    static int a[1000];
    int n;
    if (scanf("%d", &n) != 1 || n < 0 || n > 1000) return 1;
    for (int i = 0; i < n; i++) a[i] = i * 7;
    printf("%ld %d\n", checksum(a, n), scale(n));
    return 0;
}
"""
KNR = """int
old_style (a, b)
     int a; char *b;
{
  return a + b[0];
}
"""


@pytest.fixture(scope="module")
def asm(tmp_path_factory):
    folder = tmp_path_factory.mktemp("focus")
    (folder / "prog.c").write_text(SOURCE)
    subprocess.run(["gcc", "-O3", "-S", "prog.c"], cwd=folder, check=True)
    return (folder / "prog.s").read_text()


def test_region_is_the_function_and_what_it_alone_calls(asm):
    reg = focus.region(asm, "checksum")
    assert set(reg.functions) == {"checksum", "mix"}  # not scale (main calls it), not twice
    shown = focus.view(asm, reg)
    assert "checksum:" in shown and "mix:" in shown and "mix.cold:" in shown
    assert "main:" not in shown and "scale:" not in shown and "twice:" not in shown
    assert focus.write_back(asm, reg, shown) == asm  # the view is the file's own lines
    assert focus.region(asm, "main").functions == ("main",)
    with pytest.raises(BadInput, match="no such function in the assembly"):
        focus.region(asm, "nope")


def test_write_back_puts_each_function_where_it_was(asm):
    reg = focus.region(asm, "checksum")
    shown = focus.view(asm, reg)
    edited = shown.replace("checksum:\n", "checksum:\n\tnop\n").replace("mix:\n", "mix:\n\tnop\n")
    whole = focus.write_back(asm, reg, edited)
    assert whole.count("\tnop\n") == 2
    assert (
        whole.replace("checksum:\n\tnop\n", "checksum:\n").replace("mix:\n\tnop\n", "mix:\n") == asm
    )


def test_c_source_of_the_focus():
    reg = focus.Region("checksum", ("checksum", "mix.part.0"), ())
    text = focus.c_source(SOURCE, reg)
    assert text.startswith("__attribute__((noinline)) long checksum(")
    assert "static long mix(const int *a, int n)" in text and "int main" not in text
    assert focus.c_function(KNR, "old_style") == KNR.rstrip("\n")
    assert focus.c_function(SOURCE, "absent") is None


def test_hot_lines_are_renumbered_to_the_view(asm):
    reg = focus.region(asm, "checksum")
    lines = asm.split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line == "checksum:")
    main = next(i for i, line in enumerate(lines, 1) if line == "main:")
    hot = [f"40.0%  line {number}: checksum:", f"30.0%  line {main}: main:"]
    mapped = focus.remap_hot_lines(hot, asm, reg)
    shown = focus.view(asm, reg).split("\n")
    assert len(mapped) == 1
    where = int(re.search(r"line (\d+)", mapped[0]).group(1))
    assert shown[where - 1] == "checksum:"


class Scripted:
    """A proposer that records what it is asked and answers with `make(request)`."""

    def __init__(self, name, make):
        self.name = name
        self.offline = name == "builtin"
        self.make = make
        self.requests = []

    async def propose(self, request):
        self.requests.append(request)
        return Proposal(self.make(request), model=self.name, extra={"move": "peephole"})


def request_for(asm, source=SOURCE):
    task = Task(name="t", asm=asm, tests=(TestCase("t1", b"5\n", None),), source=source)
    return ProposalRequest(task=task, branch=0, iteration=1, current=asm)


def test_a_model_sees_the_function_and_its_reply_lands_in_the_whole_file(asm):
    model = Scripted(
        "openai:test", lambda r: r.current.replace("checksum:\n", "checksum:\n\tnop\n")
    )
    proposer = focus.FocusedProposer(model, "checksum")
    proposal = asyncio.run(proposer.propose(request_for(asm)))
    seen = model.requests[0]
    assert "main:" not in seen.current and "checksum:" in seen.current
    assert "checksum(const int *a, int n)" in seen.task.source and "main" not in seen.task.source
    assert "Only the function `checksum` and what it alone calls (mix)" in seen.focus
    assert proposal.asm == asm.replace("checksum:\n", "checksum:\n\tnop\n")
    # A whole file in reply gives up only the focus.
    whole = asm.replace("checksum:\n", "checksum:\n\tpause\n").replace("main:\n", "main:\n\tnop\n")
    model.make = lambda r: whole
    proposal = asyncio.run(proposer.propose(request_for(asm)))
    assert "\tpause\n" in proposal.asm and "main:\n\tnop" not in proposal.asm


def test_the_builtin_moves_only_the_function(asm):
    def everywhere(request):  # a pass that rewrites every function
        return re.sub(r"^(\w+):\n", r"\1:\n\tnop\n", request.current, flags=re.M)

    builtin = Scripted("builtin", everywhere)
    proposal = asyncio.run(focus.FocusedProposer(builtin, "checksum").propose(request_for(asm)))
    assert builtin.requests[0].current == asm  # it sees, assembles and profiles the whole file
    changed = [ln for ln in proposal.asm.split("\n") if ln == "\tnop"]
    assert len(changed) == 2  # checksum and mix, nothing else
    assert "main:\n\tnop" not in proposal.asm and "scale:\n\tnop" not in proposal.asm
    # Proposals that leave the focus alone are passed over; then it is done.
    idle = Scripted("builtin", lambda r: r.current.replace("main:\n", "main:\n\tnop\n"))
    proposal = asyncio.run(focus.FocusedProposer(idle, "checksum").propose(request_for(asm)))
    assert proposal.asm is None and len(idle.requests) == focus.MAX_TRIES


@needs_sandbox
def test_run_function_end_to_end_with_a_model(tmp_path, asm):
    (tmp_path / "prog.s").write_text(asm)
    (tmp_path / "prog.c").write_text(SOURCE)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "a.in").write_text("300\n")
    (tmp_path / "tests" / "b.in").write_text("7\n")

    def answer(body):
        shown = re.search(r"```asm\n(.*?)```", prompt_text(body), re.S).group(1)
        return Reply(fenced(shown.replace("checksum:\n", "checksum:\n\tnop\n")))

    with OpenAIServer(answer) as server:
        done = agent(
            "run", tmp_path / "prog.s", "--function", "checksum", "--model", "openai:test",
            "--base-url", server.url, "--best-of", "1", "--iterations", "1",
            "--out", tmp_path / "run",
            env=agent_env(AGENT_DIFFERENTIAL="0", AGENT_TIMING_SECONDS="2"),
        )  # fmt: skip
        prompt = prompt_text(server.completion_requests[0])
    assert done.returncode == 0, done.stderr
    assert "checksum:" in prompt and "mix:" in prompt and "main:" not in prompt
    assert "Only the function `checksum`" in prompt
    candidate = (tmp_path / "run" / "candidates" / "b0-i1.s").read_text()
    assert candidate == asm.replace("checksum:\n", "checksum:\n\tnop\n")  # the whole file
    report = json.loads((tmp_path / "run" / "reports" / "b0-i1.json").read_text())
    assert report["correct"] and report["tests"]["total"] == 2  # judged as the whole program


@needs_sandbox
def test_run_function_that_does_not_exist(tmp_path, asm):
    (tmp_path / "prog.s").write_text(asm)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "a.in").write_text("3\n")
    done = agent("run", tmp_path / "prog.s", "--function", "nope", "--out", tmp_path / "run")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        done.stderr.strip().splitlines()[-1]
    ] and done.stderr.startswith("agent: error: --function nope: no such function")
    assert "checksum" in done.stderr  # it names the functions there are
    assert not (tmp_path / "run").exists()


def test_void_functions_are_read_from_the_syntax_tree():
    source = """
    static void clear(int *a, int n);
    __attribute__((noinline)) static void
    fill(int *a, int n) { for (int i = 0; i < n; i++) a[i] = i; }
    void *grab(int n);            /* returns a pointer: not void */
    int sum(void) { return 0; }   /* void parameters: not void */
    /* void commented(void); */
    int main(void) { return 0; }
    """
    assert c_source.void_functions(source) == {"clear", "fill"}
