"""The programs of a suite: a folder of task folders or a file of dataset
records, each a `Job` with a stable name and folder; `--only`/`--shuffle`/`--limit`.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

from agent.batch.results import REQUEST, RESULTS
from tools.errors import BadInput
from tools.task import Task, record_name, task_from_record


@dataclass(frozen=True)
class Job:
    """One program of the suite: a task folder, or a dataset record."""

    name: str
    slug: str  # its folder under --out
    kind: str  # "folder" | "record"
    folder: str | None = None  # the task folder (kind "folder")
    task: Task | None = None  # the record's task (kind "record")
    error: str | None = None  # the record could not be read
    where: str = ""  # "FILE line N" / the folder, for messages


def _slugs(names: list[str]) -> list[str]:
    """Folder names for task names: safe characters, unique, stable for a given list."""
    used: set[str] = set()
    out = []
    for name in names:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:100] or "task"
        slug, n = base, 2
        while slug.lower() in used or slug in (REQUEST, RESULTS):
            slug, n = f"{base}-{n}", n + 1
        used.add(slug.lower())
        out.append(slug)
    return out


def _raw_records(path: Path):
    """(where, record) pairs of a dataset file, as tools.task.load_records reads it,
    but one bad record does not stop the others."""
    from tools.task import _jsonl_records, _looks_like_json_document, _parquet_records

    if path.suffix == ".parquet":
        for i, record in enumerate(_parquet_records(path)):
            yield f"row {i}", record
    elif path.suffix == ".json" and _looks_like_json_document(path):
        try:
            doc = json.loads(path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise BadInput(f"{path}: not valid JSON: {getattr(e, 'msg', e)}") from None
        for i, record in enumerate(doc if isinstance(doc, list) else [doc]):
            yield f"item {i}", record
    else:
        for lineno, record in _jsonl_records(path):
            yield f"line {lineno}", record


def discover(suite: Path) -> list[Job]:
    """Every program of a suite, in a stable order (names sorted for folders,
    file order for records)."""
    suite = Path(suite)
    if not suite.exists():
        raise BadInput(f"no such suite: {suite}")
    if suite.is_file():
        return _record_jobs(suite)
    if (suite / "tests").is_dir() and any(suite.glob("*.s")):
        folders = [suite]  # one task folder
    else:
        folders = sorted(
            p
            for p in suite.iterdir()
            if p.is_dir() and not p.name.startswith(".") and p.name != "__pycache__"
        )
    if not folders:
        raise BadInput(f"{suite} holds no task folders (prog.s + tests/) and is not a record file")
    names = [p.name for p in folders]
    return [
        Job(name=name, slug=slug, kind="folder", folder=str(p.resolve()), where=str(p))
        for name, slug, p in zip(names, _slugs(names), folders, strict=True)
    ]


def _record_jobs(path: Path) -> list[Job]:
    entries = []
    seen: set[str] = set()
    for index, (where, record) in enumerate(_raw_records(path)):
        default = f"{path.stem}-{index}"
        name = record_name(record, default) if isinstance(record, dict) else default
        if name in seen:  # several solutions of one problem: as load_records names them
            name = f"{name}-{index}"
        seen.add(name)
        try:
            if not isinstance(record, dict):
                raise BadInput("a record must be a JSON object")
            task = dataclasses.replace(task_from_record(record, name), name=name)
            entries.append((name, task, None, f"{path} {where}"))
        except BadInput as exc:
            entries.append((name, None, str(exc), f"{path} {where}"))
    if not entries:
        raise BadInput(f"no records in {path}")
    slugs = _slugs([e[0] for e in entries])
    return [
        Job(name=n, slug=s, kind="record", task=t, error=err, where=w)
        for (n, t, err, w), s in zip(entries, slugs, strict=True)
    ]


def select(
    jobs: list[Job], only=(), limit: int | None = None, shuffle: bool = False, seed: int = 0
) -> list[Job]:
    """--only NAME... (names or folder names), then --shuffle --seed, then --limit."""
    if only:
        wanted = [w for item in only for w in str(item).split(",") if w.strip()]
        by_name = {j.name: j for j in jobs} | {j.slug: j for j in jobs}
        unknown = [w for w in wanted if w not in by_name]
        if unknown:
            raise BadInput(f"--only: no task named {', '.join(unknown[:5])}")
        picked = {by_name[w].name for w in wanted}
        jobs = [j for j in jobs if j.name in picked]
    if shuffle:
        jobs = list(jobs)
        random.Random(seed).shuffle(jobs)
    if limit is not None:
        if limit < 1:
            raise BadInput("--limit must be at least 1")
        jobs = jobs[:limit]
    return jobs
