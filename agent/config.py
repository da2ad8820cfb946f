"""Run configuration, from four places in one documented order.

Precedence (highest first): command line > environment (`AGENT_<FIELD>`, plus
`OPENAI_BASE_URL` for `base_url`) > `agent.toml` in the working folder > the
user's `~/.config/asm-superopt/agent.toml`. `agent run --verbose` prints the
effective values and where each came from. API keys are never stored here:
providers read them from the environment when they are created.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from tools.errors import BadInput


@dataclass(frozen=True)
class RunConfig:
    model: str = "builtin"  # builtin | openai:NAME | anthropic:NAME
    best_of: int = 4  # parallel branches
    iterations: int = 3  # proposals per branch at most
    patience: int = 2  # stop a branch after this many iterations without improvement
    base_url: str | None = None  # OpenAI-compatible server for openai:NAME
    seed: int = 0
    temperature: float = 0.7  # branch b uses temperature + 0.1 * b (capped at 1.2)
    budget_usd: float | None = None  # stop new model calls once spent
    request_timeout: float = 120.0  # seconds per model request
    call_deadline: float = 600.0  # seconds per model call, retries included
    max_retries: int = 4  # on 429, 5xx, timeouts and connection errors
    max_concurrency: int = 8  # graph nodes running at once
    target_cpu: str = "native"
    sandbox: str = "bwrap"
    timing_seconds: float = 10.0  # screening cap per candidate (raised for slow programs)
    confirm_seconds: float = 60.0  # cap on timing the winner to ±1%
    differential: int = 200  # generated inputs per candidate (0: off)
    feedback_tokens: int = 6000  # budget for the revise feedback
    reply_format: str = "auto"  # prompts ask for: auto (edits above edit_threshold), whole, edits
    edit_threshold: int = 300  # lines of assembly above which `auto` asks for edits
    time_budget: float | None = None  # seconds; no new proposal starts after it
    verify_seconds: float = 120.0  # all would-be winners' cut-short checks, together (0: off)
    prove_seconds: float = 30.0  # per changed function or loop when proving the winner (0: off)
    prices: dict = field(default_factory=dict)  # "provider:model" -> [usd per 1M in, out]


FIELDS = {f.name: f for f in fields(RunConfig)}
USER_CONFIG = Path.home() / ".config" / "asm-superopt" / "agent.toml"


def parse_duration(text: Any, what: str = "time budget") -> float:
    """Seconds from `90`, `90s`, `10m`, `1h` or `1h30m`; BadInput unless positive."""
    raw = str(text).strip().lower()
    match = re.fullmatch(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?", raw)
    if not raw or match is None:
        raise BadInput(f"{what} {text!r} is not a duration (say 90, 90s, 10m or 1h)")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if total <= 0:
        raise BadInput(f"{what} must be positive, not {text!r}")
    return total


def _coerce(name: str, value: Any, where: str) -> Any:
    """Convert a raw value (a string from the environment, a TOML value) to the field's type."""
    kind = FIELDS[name].type
    if value is None:
        return None
    if name == "time_budget":
        return parse_duration(value, f"{where}: time_budget")
    try:
        if "dict" in kind:
            if not isinstance(value, dict):
                raise TypeError
            return value
        if "int" in kind and "float" not in kind:
            return int(value)
        if "float" in kind:
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise BadInput(f"{where}: {name} must be {kind}, not {value!r}") from None


def _from_toml(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise BadInput(f"{path}: unknown key {unknown[0]!r} (known: {', '.join(sorted(FIELDS))})")
    return {k: _coerce(k, v, str(path)) for k, v in data.items()}


def _from_env(env: dict[str, str]) -> dict:
    values = {}
    for name in FIELDS:
        raw = env.get(f"AGENT_{name.upper()}")
        if raw is not None and name != "prices":
            values[name] = _coerce(name, raw, f"AGENT_{name.upper()}")
    if "base_url" not in values and env.get("OPENAI_BASE_URL"):
        values["base_url"] = env["OPENAI_BASE_URL"]
    return values


def load_config(
    cli: dict[str, Any],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    user_config: Path | None = None,
) -> tuple[RunConfig, dict[str, str]]:
    """The effective configuration and, per field, where its value came from."""
    env = dict(os.environ) if env is None else env
    layers = [
        ("user config", _from_toml(user_config or USER_CONFIG)),
        ("agent.toml", _from_toml((cwd or Path.cwd()) / "agent.toml")),
        ("environment", _from_env(env)),
        ("command line", {k: v for k, v in cli.items() if v is not None}),
    ]
    values: dict[str, Any] = {}
    sources = {name: "default" for name in FIELDS}
    for source, layer in layers:
        for name, value in layer.items():
            if name not in FIELDS:
                raise BadInput(f"unknown option {name}")
            values[name] = value
            sources[name] = source
    config = RunConfig(**values)
    _validate(config)
    return config, sources


def _validate(c: RunConfig) -> None:
    checks = [
        (c.best_of >= 1, "best_of must be at least 1"),
        (c.iterations >= 1, "iterations must be at least 1"),
        (c.patience >= 1, "patience must be at least 1"),
        (c.budget_usd is None or c.budget_usd >= 0, "budget_usd must not be negative"),
        (c.request_timeout > 0 and c.call_deadline > 0, "timeouts must be positive"),
        (c.sandbox in ("bwrap", "none"), "sandbox must be bwrap or none"),
        (c.reply_format in ("auto", "whole", "edits"), "reply_format must be auto, whole or edits"),
        (c.edit_threshold >= 0, "edit_threshold must not be negative"),
        (
            c.target_cpu in ("native", "x86-64", "x86-64-v2", "x86-64-v3"),
            "target_cpu must be native, x86-64, x86-64-v2 or x86-64-v3",
        ),
    ]
    for ok, message in checks:
        if not ok:
            raise BadInput(message)


def from_options(options: dict[str, Any], verbose: bool = False) -> tuple[RunConfig, dict]:
    """The configuration for a command's options (those naming a field; None: not
    given; `sandbox_mode` is `sandbox`), and the values given. With `verbose`,
    print each effective value and its source to stderr."""
    given = {
        ("sandbox" if k == "sandbox_mode" else k): v
        for k, v in options.items()
        if (k == "sandbox_mode" or k in FIELDS) and v is not None
    }
    config, sources = load_config(given)
    if verbose:
        for line in describe(config, sources):
            print(line, file=sys.stderr)
    return config, given


def describe(config: RunConfig, sources: dict[str, str]) -> list[str]:
    """Lines for `--verbose`: each field, its value and its source."""
    return [
        f"{name} = {getattr(config, name)!r}  ({sources[name]})"
        for name in FIELDS
        if name != "prices" or config.prices
    ]
