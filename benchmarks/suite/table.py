"""Print SOURCES.md's table from sources.json, a built suite (runtimes, drops) and
split.json (the half each kept program is in: tune or heldout).

.venv/bin/python benchmarks/suite/table.py [benchmarks/suite/built]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_LIBM_NAMES = r"(sqrt|pow|exp|log|sin|cos|tan|asin|acos|atan2?|floor|ceil|fmod|hypot|cbrt)f?"
# a call, or a macro naming the function (whetstone: #define DSIN sin)
LIBM = re.compile(rf"\b{_LIBM_NAMES}\s*\(|^#define\s+\w+\s+{_LIBM_NAMES}\s*$", re.M)


def main(argv: list[str]) -> int:
    built = Path(argv[0]) if argv else HERE / "built"
    kept = {k["name"]: k for k in json.loads((built / "suite.json").read_text())["kept"]}
    dropped = {d["name"]: d["reason"] for d in json.loads((built / "dropped.json").read_text())}
    split = json.loads((HERE / "split.json").read_text()) if (HERE / "split.json").exists() else {}
    half = {name: h for h in ("tune", "heldout") for name in split.get(h, [])}
    print(
        "| program | source (repo: path @ commit) | licence | libm | input | -O3 ms | kept | half |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for s in json.loads((HERE / "sources.json").read_text()):
        folder = HERE / "programs" / s["name"]
        libm = "yes" if LIBM.search((folder / "prog.c").read_text()) else "no"
        inputs = sorted(p.name for p in folder.glob("*.in"))
        reads = "none" if inputs == ["none.in"] else "stdin"
        k = kept.get(s["name"])
        ms = f"{k['cpu_ms']:.0f}" if k else "-"
        verdict = "kept" if k else f"dropped: {dropped.get(s['name'], '?')}"
        where = f"{s['repository']}: `{s['path']}` @ {s['commit'][:10]}"
        print(
            f"| {s['name']} | {where} | {s['license']} | {libm} | {reads} | {ms} | {verdict} "
            f"| {half.get(s['name'], '-')} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
