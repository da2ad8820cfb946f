"""Shared test helpers: skip markers for machines without the sandbox or perf."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

needs_sandbox = pytest.mark.skipif(
    shutil.which("bwrap") is None, reason="bubblewrap (bwrap) is not installed"
)
needs_perf = pytest.mark.skipif(shutil.which("perf") is None, reason="perf is not installed")
