"""Per-function mixing: the race leader with each hot function taken from
whichever of the best builds (or the original) ran it fastest.

Which build runs a function fastest is read from profiles: each source's
share of samples in that function, divided by the source's speed in the race,
is the function's time in units of the original's run. A function hot in the
leader (`MIX_HOT`) is taken from a donor only when the donor's time for it is
clearly lower (`MIX_GAIN`). The leader is rebuilt for the splice (gcc: without
IPA register allocation, `splice.BASE_FLAGS`), and `agent.builtin.splice` says
when a splice is refused and why the result is sound.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from agent.builtin import compiler, splice
from agent.builtin.context import PassContext

MIX_SOURCES = 3  # the race's best builds, profiled per function (plus the original)
MIX_HOT = 3.0  # % of the base's samples for a function to be worth taking elsewhere
MIX_GAIN = 0.95  # the donor's time for that function must be below this share of the base's


def mix(
    original: str,
    ranked: list[tuple[compiler.Variant, float]],
    texts: dict[str, str | None],
    context: Callable[[str], PassContext],
    compile_variant: Callable[[compiler.Variant], str | None],
) -> tuple[str, str] | None:
    """(the mixed text, what it took from where in words), or None when no
    function is clearly faster elsewhere or every splice is refused. `ranked`
    is the race (best first), `texts` the builds by slug, `context` a text's
    profile, `compile_variant` a fresh compile."""
    ranked = [
        (v, speed)
        for v, speed in ranked
        if speed > 0 and "-ffast-math" not in v.flags  # its startup code is not linked
    ]
    sources = [(v.slug, speed, texts.get(v.slug)) for v, speed in ranked[:MIX_SOURCES]]
    if not sources or sources[0][2] is None:
        return None
    sources.append(("original", 1.0, original))
    # Each function's CPU time in units of the original's run: share / speed.
    times: dict[str, dict[str, float]] = {}
    for label, speed, asm in sources:
        if asm is None:
            continue
        names = set(splice.function_names(asm))
        for name, _dso, percent in context(asm).hot_functions:
            if name in names:
                times.setdefault(name, {})[label] = percent / 100 / speed
    leader, lead_speed, _ = sources[0]
    picks: dict[str, list[str]] = {}
    for name, by in times.items():
        here = by.get(leader)
        if here is None or here * lead_speed * 100 < MIX_HOT:
            continue
        donor = min(by, key=by.__getitem__)
        if donor != leader and by[donor] < MIX_GAIN * here:
            picks.setdefault(donor, []).append(name)
    if not picks:
        return None
    variant = ranked[0][0]
    if variant.compiler == "gcc":  # see splice.BASE_FLAGS: no IPA register allocation
        variant = dataclasses.replace(variant, flags=variant.flags + splice.BASE_FLAGS)
    asm = compile_variant(variant)
    if asm is None:
        return None
    by_label = {label: text for label, _speed, text in sources}
    taken = []
    for n, (donor, names) in enumerate(sorted(picks.items())):
        mixed = splice.splice(asm, by_label[donor], sorted(names), tag=f"mix{n}")
        if mixed is not None:
            asm = mixed
            taken.append(f"{', '.join(sorted(names))} from {donor}")
    if not taken:
        return None
    return asm, f"{leader} with {'; '.join(taken)}"
