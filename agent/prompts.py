"""Prompt templates (files in `prompts/`) rendered with strict placeholders.

`string.Template.substitute` raises on a placeholder with no value, so a
template and the code that fills it cannot drift apart silently.
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


def messages(request: ProposalRequest, baseline_profile: str, feedback_tokens: int) -> list:
    """(role, text) pairs for the chat model: system, then propose or revise."""
    system = template("system").substitute(target_cpu=request.target_cpu)
    if request.feedback is None:
        user = template("propose").substitute(
            source_section=_source_section(request),
            lines=request.current.count("\n"),
            assembly=request.current.rstrip(),
            profile=baseline_profile or "(no profile)",
        )
    else:
        user = template("revise").substitute(
            source_section=_source_section(request),
            history=render_history(request.history),
            feedback=render_feedback(request.feedback, feedback_tokens),
            best_speedup=request.current_speedup or "the baseline itself",
            assembly=request.current.rstrip(),
        )
    return [("system", system), ("human", user)]
