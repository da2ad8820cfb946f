"""Split the suite once into a tuning half and a held-out half (split.json).

Moves and search settings are chosen on the tuning half only; results are
reported on both, the held-out half being the honest figure. The split was made
once, by the fixed SEED below, over the programs the suite build kept
(built/suite.json), stratified by kind so that each half has its share of
judge-style programs (read their input from stdin), numeric code and benchmark
kernels: within each stratum the names are sorted, shuffled with
random.Random(f"{SEED}:{stratum}") and dealt alternately, starting with the
tuning half. Programs the build dropped are listed apart with the reason.

    .venv/bin/python benchmarks/suite/split.py           # check split.json reproduces
    .venv/bin/python benchmarks/suite/split.py --write   # (re)write it: only once

A program added to the suite later is in neither half until the split is made
again on purpose (and the change said in SOURCES.md).
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261204
HALVES = ("tune", "heldout")


def stratum(source: dict) -> str:
    """judge (reads a judge-style input from stdin), numeric, or kernel."""
    kind = source["kind"]
    if kind.startswith("judge"):
        return "judge"
    if kind.startswith("numeric"):
        return "numeric"
    return "kernel"


def make_split(sources: list[dict], kept: set[str], dropped: dict[str, str]) -> dict:
    strata: dict[str, list[str]] = {}
    for s in sources:
        if s["name"] in kept:
            strata.setdefault(stratum(s), []).append(s["name"])
    halves: dict[str, list[str]] = {h: [] for h in HALVES}
    for name in sorted(strata):
        members = sorted(strata[name])
        random.Random(f"{SEED}:{name}").shuffle(members)
        for i, program in enumerate(members):
            halves[HALVES[i % 2]].append(program)
    return {
        "seed": SEED,
        "method": "per stratum (judge, numeric, kernel): sorted names shuffled with "
        "random.Random(f'{seed}:{stratum}'), dealt alternately starting with tune",
        "strata": {name: sorted(members) for name, members in sorted(strata.items())},
        "tune": sorted(halves["tune"]),
        "heldout": sorted(halves["heldout"]),
        "excluded": {
            s["name"]: dropped.get(s["name"], "not built") for s in sources if s["name"] not in kept
        },
    }


def load_split(path: Path = HERE / "split.json") -> dict[str, str]:
    """{program: "tune" | "heldout"} from split.json."""
    data = json.loads(path.read_text())
    return {name: half for half in HALVES for name in data[half]}


def main(argv: list[str]) -> int:
    write = "--write" in argv
    args = [a for a in argv if a != "--write"]
    built = Path(args[0]) if args else HERE / "built"
    sources = json.loads((HERE / "sources.json").read_text())
    kept = {k["name"] for k in json.loads((built / "suite.json").read_text())["kept"]}
    dropped = {d["name"]: d["reason"] for d in json.loads((built / "dropped.json").read_text())}
    split = make_split(sources, kept, dropped)
    target = HERE / "split.json"
    text = json.dumps(split, indent=1) + "\n"
    if write:
        target.write_text(text)
        print(f"wrote {target}: {len(split['tune'])} tune, {len(split['heldout'])} held out")
        return 0
    if not target.exists():
        print(f"{target} is missing: make it once with --write")
        return 1
    committed = json.loads(target.read_text())
    same = all(committed[h] == split[h] for h in HALVES)
    print("split.json reproduces" if same else "split.json differs from a split made now")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
