"""Output tokens per proposal: a whole-file reply against SEARCH/REPLACE edits.

The same improvement is proposed twice through the real ChatProposer and the
real langchain client, against the local OpenAI-compatible test server
(tests/llm_servers.py): once as the whole file in a fenced block (what a model
must send with `--reply-format whole`), once as edit blocks (what the prompt
asks for above the edit threshold). Each proposal must yield the improved
file; the table gives the output tokens each format cost. The test server
counts about four characters a token; real tokenizers count assembly more
densely, so the absolute figures are low, the ratio is what matters.

    .venv/bin/python benchmarks/edit_tokens.py
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agent.config import RunConfig  # noqa: E402
from agent.edits import edit_reply  # noqa: E402
from agent.models import Budget, make_proposer  # noqa: E402
from agent.proposer import ProposalRequest  # noqa: E402
from tests.llm_servers import OpenAIServer, Reply, fenced  # noqa: E402
from tools.task import load_task  # noqa: E402

BIG = ROOT / "examples" / "nearest_fingerprint" / "prog.s"
BIG_ASM = BIG.read_text()
POPCNT = BIG_ASM.replace("\tcall\t__popcountdi2@PLT\n", "\tpopcntq\t%rdi, %rax\n")
CASES = [
    # (name, program, improved file, what changed)
    (
        "collatz",
        ROOT / "examples" / "collatz" / "prog.s",
        (ROOT / "tests" / "data" / "collatz_fast.s").read_text(),
        "skip starts below N/2 (gcc -O3 of a faster C)",
    ),
    ("nearest_fingerprint", BIG, POPCNT, "popcnt for the libgcc call"),
    (
        "nearest_fingerprint",
        BIG,
        POPCNT.replace("\t.globl\t__popcountdi2\n", ""),
        "popcnt, and the symbol it no longer needs",
    ),
]
PROSE = "The hot loop calls libgcc for each popcount; the instruction does it in one step.\n\n"


def propose(program: Path, reply: str, reply_format: str) -> tuple[str | None, int, int]:
    """(the file the proposal yields, its output tokens, its prompt's input tokens)."""
    os.environ.pop("OPENAI_API_KEY", None)
    with OpenAIServer(lambda body: Reply(reply)) as server:
        config = RunConfig(model="openai:bench", base_url=server.url, reply_format=reply_format)
        proposer = make_proposer(config, Budget())
        task = load_task(program)
        request = ProposalRequest(task=task, branch=0, iteration=1, current=task.asm)
        proposal = asyncio.run(proposer.propose(request))
    return proposal.asm, proposal.output_tokens, proposal.input_tokens


def main() -> None:
    header = (
        f"{'program':<20} {'lines':>5}  {'change':<46} {'whole out':>9} {'edits out':>9} "
        f"{'blocks':>6} {'edits/whole':>11} {'prompt in (w/e)':>15}"
    )
    print(header)
    print("-" * len(header))
    for name, program, improved, change in CASES:
        edits = edit_reply(program.read_text(), improved)
        whole_asm, whole_out, whole_in = propose(program, fenced(improved), "whole")
        edit_asm, edit_out, edit_in = propose(program, PROSE + edits, "edits")
        if whole_asm != improved or edit_asm != improved:
            raise SystemExit(f"{name}: a proposal did not yield the improved file")
        blocks = edits.count("<<<<<<< SEARCH")
        print(
            f"{name:<20} {program.read_text().count(chr(10)):>5}  {change:<46} "
            f"{whole_out:>9} {edit_out:>9} {blocks:>6} {edit_out / whole_out:>11.3f} "
            f"{f'{whole_in}/{edit_in}':>15}"
        )
    print("\ntokens as the test server counts them (about 4 characters a token)")


if __name__ == "__main__":
    main()
