"""Edit replies through the real providers: the prompt asks for SEARCH/REPLACE
blocks above the edit threshold, ChatProposer applies them to the current best,
and a reply whose edits do not apply becomes feedback for the next prompt.
Against the local OpenAI- and Anthropic-compatible servers, with the real
langchain clients; end to end with `agent run` where judging matters."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agent.builtin.cpu import native_features
from agent.config import RunConfig, load_config
from agent.edits import edit_reply
from agent.feedback import feedback_from, outcome, render_feedback
from agent.models import Budget, make_proposer
from agent.proposer import ProposalRequest
from tests.conftest import DATA, EXAMPLES, agent, agent_env, needs_sandbox
from tests.llm_servers import AnthropicServer, OpenAIServer, Reply, fenced, prompt_text, prose_only
from tools.errors import BadInput
from tools.task import load_task

COLLATZ = EXAMPLES / "collatz" / "prog.s"
FAST = (DATA / "collatz_fast.s").read_text()
BIG = EXAMPLES / "nearest_fingerprint" / "prog.s"
BIG_ASM = BIG.read_text()
BIG_FAST = BIG_ASM.replace("\tcall\t__popcountdi2@PLT\n", "\tpopcntq\t%rdi, %rax\n")
NOWHERE = Path("/nonexistent/agent.toml")
SCANF = "\tcall\t__isoc99_scanf@PLT\n\tcmpl\t$1, %eax\n"  # twice in collatz


def block(search: str, replace: str) -> str:
    return f"<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n"


def said(blocks: str) -> str:
    return "I skip the starts that cannot win.\n\n```asm\n" + blocks + "```\n"


NO_MATCH = said(block("\tmovl\t$2, %ecx\n\txorl\t%esi, %esi\n", "\txorl\t%ecx, %ecx\n"))
AMBIGUOUS = said(block(SCANF, SCANF))
OVERLAPPING = said(
    block("\tmovq\t8(%rsp), %rdi\n\tcmpq\t$1, %rdi\n\tjle\t.L2\n", "")
    + block("\tjle\t.L2\n\tmovl\t$1, %ecx\n", "\tjle\t.L2\n\tmovl\t$2, %ecx\n")
)
NO_REPLACE_MARKER = "Cut off:\n<<<<<<< SEARCH\n\tmovl\t$1, %ecx\n=======\n\tmovl\t$2, %ecx\n"
MIXED = fenced(FAST) + "\n" + block("\tmovl\t$1, %ecx\n", "\tmovl\t$2, %ecx\n")
BROKEN_EDIT = edit_reply(
    COLLATZ.read_text(), COLLATZ.read_text().replace("\tret\n", "\tretq\t%zmm99\n", 1)
)


def proposer_for(server, monkeypatch, **config):
    """A ChatProposer for `server`, as `make_proposer` builds it for a run."""
    if isinstance(server, OpenAIServer):
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
        run_config = RunConfig(model="openai:test", base_url=server.url, **config)
    else:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", server.base_url)
        run_config = RunConfig(model="anthropic:claude-test", **config)
    return make_proposer(run_config, Budget(), lambda: "69.1%  __popcountdi2 (prog)")


def request(program: Path) -> ProposalRequest:
    task = load_task(program)
    return ProposalRequest(task=task, branch=0, iteration=1, current=task.asm)


PROVIDERS = [OpenAIServer, AnthropicServer]


@pytest.mark.parametrize("server_class", PROVIDERS)
def test_a_big_file_is_shown_verbatim_with_its_hot_code_and_edits_are_asked_for(
    server_class, monkeypatch
):
    with server_class(lambda body: Reply(edit_reply(BIG_ASM, BIG_FAST))) as server:
        proposer = proposer_for(server, monkeypatch)
        proposal = asyncio.run(proposer.propose(request(BIG)))
        small = asyncio.run(proposer.propose(request(COLLATZ)))
    big_prompt, small_prompt = (prompt_text(r) for r in server.completion_requests)
    assert "<<<<<<< SEARCH" in big_prompt and "not the whole file" in big_prompt
    assert BIG_ASM.rstrip() in big_prompt  # verbatim, so copied SEARCH text matches
    assert "69.1%  __popcountdi2" in big_prompt  # the hot code beside it
    assert "__builtin_popcountll" in big_prompt  # and the C source
    assert big_prompt.index("__popcountdi2 (prog)") < big_prompt.index(BIG_ASM.rstrip())
    assert "ONE complete assembly file" in small_prompt and "SEARCH" not in small_prompt
    assert proposal.asm == BIG_FAST
    assert proposal.extra["reply_format"] == "edits" and proposal.extra["edit_blocks"] == 1
    assert proposal.extra["edit_error"] == ""
    assert proposal.output_tokens * 10 < len(BIG_ASM) / 4  # the servers count ~4 chars a token
    assert small.extra["reply_format"] == "edits" and small.asm is None  # not collatz's text


@pytest.mark.parametrize("server_class", PROVIDERS)
@pytest.mark.parametrize("reply_format", ["whole", "edits"])
def test_reply_format_overrides_the_threshold(server_class, reply_format, monkeypatch):
    with server_class(lambda body: Reply(fenced(FAST))) as server:
        proposer = proposer_for(server, monkeypatch, reply_format=reply_format)
        for program in (BIG, COLLATZ):
            proposal = asyncio.run(proposer.propose(request(program)))
            assert proposal.asm == FAST and proposal.extra["reply_format"] == "whole"
    for body in server.completion_requests:
        asks_edits = "<<<<<<< SEARCH" in prompt_text(body)
        assert asks_edits == (reply_format == "edits")


@pytest.mark.parametrize("server_class", PROVIDERS)
@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (NO_MATCH, ["block 1 of 1: its SEARCH text matches nowhere", "  | \tmovl\t$2, %ecx"]),
        (NO_MATCH, ["the most similar lines of the current best (lines 69-70)"]),
        (AMBIGUOUS, ["block 1 of 1: its SEARCH text matches 2 places"]),
        (OVERLAPPING, ["blocks 1 and 2 of 2 overlap", "None of the 2 edit blocks was applied"]),
        (NO_REPLACE_MARKER, ["block 1 of 1: no >>>>>>> REPLACE marker"]),
        (MIXED, ["holds both a whole file", "reply with one or the other"]),
    ],
    ids=["no-match", "nearest", "ambiguous", "overlapping", "no-replace-marker", "mixed"],
)
def test_edits_that_do_not_apply_are_feedback_not_a_crash(
    server_class, reply, expected, monkeypatch
):
    with server_class(lambda body: Reply(reply)) as server:
        proposer = proposer_for(server, monkeypatch, reply_format="edits")
        proposal = asyncio.run(proposer.propose(request(COLLATZ)))
    assert proposal.asm is None and proposal.extra["reply_format"] == "edits"
    for text in expected:
        assert text in proposal.extra["edit_error"]
    assert proposal.extra["edit_summary"].startswith("edits not applied: ")
    assert proposal.output_tokens > 0  # the call is counted all the same


# -- end to end: judged, and fed back ---------------------------------------------


def events(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "events.jsonl").read_text().splitlines()]


def branch_iteration(body: dict) -> tuple[int, int]:
    """The seed of branch b's iteration i is b * 100 + i (see agent.graph)."""
    return divmod(body["seed"], 100)


GOOD_EDIT = edit_reply(COLLATZ.read_text(), FAST)
FIRST_REPLIES = {
    0: said(GOOD_EDIT),
    1: said(GOOD_EDIT.replace("\t", "    ")),  # whitespace-only differences
    2: NO_MATCH,
    3: AMBIGUOUS,
    4: OVERLAPPING,
    5: said(BROKEN_EDIT),
}


@needs_sandbox
def test_edit_replies_end_to_end_openai(tmp_path):
    out = tmp_path / "run"

    def scripted(body: dict) -> Reply:
        branch, iteration = branch_iteration(body)
        return Reply(FIRST_REPLIES[branch] if iteration == 1 else prose_only())

    with OpenAIServer(scripted) as server:
        done = agent(
            "run", COLLATZ, "--model", "openai:test", "--base-url", server.url,
            "--reply-format", "edits", "--best-of", 6, "--iterations", 2, "--out", out,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text())
    # A good edit, applied to the baseline and judged faster; so is the same
    # edit with the tabs turned into spaces.
    assert report["correct"] and report["speedup_ci"][0] > 1.0
    assert report["best"]["branch"] in (0, 1)
    assert (out / "candidates" / "b0-i1.s").read_text() == FAST
    evaluated = {
        (e["branch"], e["iteration"]): e for e in events(out) if e["kind"] == "candidate_evaluated"
    }
    assert evaluated[0, 1]["status"] == "correct" and evaluated[0, 1]["faster"]
    assert evaluated[1, 1]["status"] == "correct" and evaluated[1, 1]["faster"]
    # Edits that do not apply: no candidate, the reason in the log...
    for branch, reason in [(2, "matches nowhere"), (3, "matches 2 places"), (4, "overlap")]:
        assert evaluated[branch, 1]["status"] == "no code"
        assert reason in evaluated[branch, 1]["detail"]
        assert not (out / "candidates" / f"b{branch}-i1.s").exists()
    # ... and quoted in the branch's next prompt, with the nearest lines.
    second = {
        branch_iteration(r)[0]: prompt_text(r)
        for r in server.completion_requests
        if branch_iteration(r)[1] == 2
    }
    assert "Your edit blocks:\nThe edit was not applied:" in second[2]
    assert "  | \tmovl\t$2, %ecx\n  | \txorl\t%esi, %esi" in second[2]  # the SEARCH lines
    assert "the most similar lines of the current best (lines 69-70)" in second[2]
    assert "matches 2 places" in second[3] and "  | \tcall\t__isoc99_scanf@PLT" in second[3]
    assert "blocks 1 and 2 of 2 overlap" in second[4]
    assert "edits not applied" in second[2]  # the branch's history says so too
    # An edit that breaks the assembly is judged like any candidate, and the
    # feedback says the edited file does not assemble.
    assert evaluated[5, 1]["status"] == "not assembled"
    assert "the edited file does not assemble" in evaluated[5, 1]["detail"]
    assert "edit block applied, but the file" in second[5] and "%zmm99" in second[5]
    # Every branch went on to its second proposal; the accounting splits tokens by format.
    assert all(report_branch["iterations"] == 2 for report_branch in report["branches"])
    by_format = report["llm"]["by_reply_format"]
    assert by_format["edits"]["proposals"] == 6 and by_format["whole"]["proposals"] == 6
    assert by_format["edits"]["output_tokens"] > 0
    assert "edit: " in done.stdout


@needs_sandbox
@pytest.mark.skipif("popcnt" not in native_features(), reason="this CPU has no popcnt")
def test_a_3000_line_program_improved_by_edits_through_anthropic(tmp_path):
    """The big example, `--reply-format` left at auto: the model sends one edit
    block, well under a tenth of the file, and the run delivers a verified
    faster best.s (popcnt for the libgcc call: ~5x here, several-fold on any CPU
    that has the instruction)."""
    out = tmp_path / "run"
    reply = "popcnt instead of the libgcc call.\n" + edit_reply(BIG_ASM, BIG_FAST)
    with AnthropicServer(lambda body: Reply(reply)) as server:
        env = agent_env(ANTHROPIC_API_KEY="sk-test", ANTHROPIC_BASE_URL=server.base_url)
        done = agent(
            "run", BIG, "--model", "anthropic:claude-test",
            "--best-of", 1, "--iterations", 1, "--out", out, env=env,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert BIG_ASM.count("\n") > 3000
    prompt = prompt_text(server.completion_requests[0])
    assert "<<<<<<< SEARCH" in prompt and "__popcountdi2" in prompt
    report = json.loads((out / "report.json").read_text())
    assert report["verified"] and report["speedup_ci"][0] > 1.0
    assert report["speedup_kind"] == "precise"
    assert (out / "best.s").read_text() == BIG_FAST
    assert len(reply) * 10 < len(BIG_ASM)
    edits = report["llm"]["by_reply_format"]["edits"]
    assert edits["proposals"] == 1 and edits["output_tokens"] * 10 < len(BIG_ASM) / 4
    proposed = [e for e in events(out) if e["kind"] == "candidate_proposed"]
    assert proposed[0]["reply_format"] == "edits" and proposed[0]["edit_blocks"] == 1


def test_reply_format_from_the_environment_and_bad_values():
    config, sources = load_config(
        {}, env={"AGENT_REPLY_FORMAT": "edits"}, user_config=NOWHERE, cwd=NOWHERE.parent
    )
    assert config.reply_format == "edits" and sources["reply_format"] == "environment"
    assert (
        load_config({}, env={}, user_config=NOWHERE, cwd=NOWHERE.parent)[0].reply_format == "auto"
    )
    with pytest.raises(BadInput, match="reply_format must be auto, whole or edits"):
        load_config({}, env={"AGENT_REPLY_FORMAT": "diff"}, user_config=NOWHERE, cwd=NOWHERE.parent)
    done = agent("run", COLLATZ, "--reply-format", "diff")
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_feedback_on_edits_says_what_became_of_them():
    not_applied = {"reply_format": "edits", "edit_blocks": 2, "edit_error": "None of the 2 ...",
                   "edit_summary": "edits not applied: block 1 of 2: ..."}  # fmt: skip
    feedback = feedback_from(None, "", "<<<<<<< SEARCH ...", not_applied)
    assert render_feedback(feedback, 6000).startswith("Your edit blocks:\nNone of the 2 ...")
    assert outcome(None, not_applied) == "edits not applied: block 1 of 2: ..."
    broken = {
        "assembled": False,
        "errors": [{"line": 47, "message": "invalid instruction suffix", "text": "retq %zmm99"}],
    }
    applied = {"reply_format": "edits", "edit_blocks": 1, "edit_error": ""}
    text = render_feedback(feedback_from(broken, "", "", applied), 6000)
    assert "edit block applied, but the file they produced does not assemble" in text
    assert "line 47: invalid instruction suffix   [retq %zmm99]" in text
    assert (
        outcome(broken, applied) == "the edited file does not assemble (invalid instruction suffix)"
    )
    assert outcome(broken, {"reply_format": "whole"}).startswith("does not assemble")


async def test_the_tui_log_shows_edit_blocks_not_the_reply():
    from textual.app import App

    from agent import events as event_types
    from tui.widgets.event_log import EventLog

    class LogApp(App):
        def compose(self):
            yield EventLog()

    reply = "popcnt instead of the call.\n" + edit_reply(BIG_ASM, BIG_FAST) * 3
    async with LogApp().run_test() as pilot:
        log = pilot.app.query_one(EventLog)
        log.add(
            event_types.CandidateProposed(
                branch=0, iteration=1, path="candidates/b0-i1.s", note="popcnt",
                reply=reply, reply_format="edits", edit_blocks=3,
            )
        )  # fmt: skip
        await pilot.pause()
        texts = [text for _stamp, text, _style, _colour in log._entries]
    assert "edit: 3 blocks" in texts
    assert "reply: popcnt instead of the call. [edit] [edit] [edit]" in texts
    assert not any("popcntq" in text for text in texts)


def test_a_batch_summary_sums_output_tokens_by_reply_format():
    from agent.batch.summary import summarize

    lines = [
        {"task": "a", "llm": {"calls": 2, "by_reply_format": {
            "edits": {"proposals": 2, "output_tokens": 150}}}},
        {"task": "b", "llm": {"calls": 2, "by_reply_format": {
            "edits": {"proposals": 1, "output_tokens": 80},
            "whole": {"proposals": 1, "output_tokens": 9000}}}},
        {"task": "c", "llm": {"calls": 0}},  # the built-in optimizer: no model replies
    ]  # fmt: skip
    assert summarize(lines)["llm"]["by_reply_format"] == {
        "edits": {"proposals": 3, "output_tokens": 230},
        "whole": {"proposals": 1, "output_tokens": 9000},
    }
