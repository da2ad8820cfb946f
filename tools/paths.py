"""Where our per-user state lives (cache, locks)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """Our cache folder (runner binary, built candidates, machine-wide locks)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / "asm-superopt"
    path.mkdir(parents=True, exist_ok=True)
    return path
