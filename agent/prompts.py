"""Prompt templates (files in `prompts/`) rendered with strict placeholders.

`string.Template.substitute` raises on a placeholder with no value, so a
template and the code that fills it cannot drift apart silently.

Two reply formats: small files are asked for whole (`propose`, `revise`);
files above the edit threshold are asked for SEARCH/REPLACE edits
(`propose_edits`, `revise_edits`), shown verbatim so that SEARCH text copied
from them matches, with the baseline's hot code beside them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

import prompts as _prompts_package
from agent.feedback import render_feedback, render_history
from agent.proposer import ProposalRequest

PROMPT_DIR = Path(_prompts_package.__file__).parent


@cache
def template(name: str) -> Template:
    return Template((PROMPT_DIR / f"{name}.txt").read_text(encoding="utf-8"))


def _source_section(request: ProposalRequest) -> str:
    if not request.task.source:
        return ""
    return f"\nThe C source it was compiled from:\n\n```c\n{request.task.source.rstrip()}\n```\n"


def asks_for_edits(assembly: str, reply_format: str, edit_threshold: int) -> bool:
    """Whether the prompt for `assembly` asks for edits rather than a whole file."""
    if reply_format == "auto":
        return assembly.count("\n") > edit_threshold
    return reply_format == "edits"


def messages(
    request: ProposalRequest,
    baseline_profile: str,
    feedback_tokens: int,
    reply_format: str = "auto",
    edit_threshold: int = 300,
) -> list:
    """(role, text) pairs for the chat model: system, then propose or revise."""
    edits = asks_for_edits(request.current, reply_format, edit_threshold)
    system = template("system").substitute(
        target_cpu=request.target_cpu,
        reply_rules=template(_reply_rules(request, edits)).template.rstrip(),
    )
    suffix = "_edits" if edits else ""
    common = dict(
        source_section=_source_section(request),
        assembly=request.current.rstrip(),
        lines=request.current.count("\n"),
        profile=baseline_profile or "(no profile)",
    )
    if request.feedback is None:
        user = template("propose" + suffix).substitute(common)
    else:
        user = template("revise" + suffix).substitute(
            common,
            history=render_history(request.history),
            feedback=render_feedback(request.feedback, feedback_tokens),
            best_speedup=request.current_speedup or "the baseline itself",
        )
    if request.focus:  # one function in focus (agent/focus.py): say so first
        user = f"{request.focus}\n\n{user}"
    return [("system", system), ("human", user)]


def _reply_rules(request: ProposalRequest, edits: bool) -> str:
    if edits:
        return "reply_edits"
    return "reply_function" if request.focus else "reply_whole"
