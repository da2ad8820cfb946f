"""SEARCH/REPLACE edit replies: parsing, matching, applying, and the errors a
model reads when its edits do not apply (agent/edits.py)."""

from __future__ import annotations

import random

import pytest

from agent.edits import EditsRejected, apply_edits, edit_reply, parse_edits, read_reply
from tests.conftest import DATA, EXAMPLES

SMALL = """\
\t.text
\t.globl\tmain
main:
\tmovl\t$1, %eax
\taddl\t$2, %eax
\tret
helper:
\tmovl\t$1, %eax
\tret
"""
COLLATZ = (EXAMPLES / "collatz" / "prog.s").read_text()
COLLATZ_FAST = (DATA / "collatz_fast.s").read_text()
BIG = (EXAMPLES / "nearest_fingerprint" / "prog.s").read_text()


def block(search: str, replace: str) -> str:
    return f"<<<<<<< SEARCH\n{search}=======\n{replace}>>>>>>> REPLACE\n"


def test_a_bare_block_is_applied():
    search = "\tmovl\t$1, %eax\n\taddl\t$2, %eax\n"
    reply = "Fold the constant.\n" + block(search, "\tmovl\t$3, %eax\n")
    parsed = read_reply(reply, SMALL)
    assert (parsed.format, parsed.blocks, parsed.errors) == ("edits", 1, ())
    assert parsed.asm == SMALL.replace("\tmovl\t$1, %eax\n\taddl\t$2, %eax\n", "\tmovl\t$3, %eax\n")
    assert parsed.summary == "edit: 1 block"


def test_fenced_blocks_apply_together_and_an_empty_replace_deletes():
    reply = (
        "Two changes:\n```asm\n"
        + block("\taddl\t$2, %eax\n\tret\nhelper:\n", "\taddl\t$2, %eax\n\tret\n")
        + "```\nand\n```\n"
        + block("\tmovl\t$1, %eax\n\tret\n", "")
        + "```\n"
    )
    parsed = read_reply(reply, SMALL)
    assert parsed.errors == () and parsed.blocks == 2
    assert parsed.asm == SMALL.split("helper:")[0]


def test_whitespace_only_differences_match():
    # Leading and trailing whitespace per line, blank edge lines, and tabs
    # turned into spaces inside a line all still find the one place.
    search = "\n    addl   $2, %eax   \n  ret\nhelper:  \n\n"
    parsed = read_reply(block(search, "\taddl\t$4, %eax\n\tret\nhelper:\n"), SMALL)
    assert parsed.errors == ()
    assert parsed.asm == SMALL.replace("$2", "$4")


def test_an_exact_match_wins_over_looser_ones():
    text = "a:\n\tret\nb:\n    ret\n"
    assert apply_edits(text, parse_edits(block("\tret\n", "\tnop\n\tret\n"))[0]) == (
        "a:\n\tnop\n\tret\nb:\n    ret\n"
    )


def test_a_block_that_matches_nowhere_is_quoted_with_the_nearest_lines():
    reply = block("\tmovl\t$7, %eax\n\taddl\t$2, %eax\n", "\tmovl\t$9, %eax\n")
    parsed = read_reply(reply, SMALL)
    assert parsed.asm is None and parsed.format == "edits"
    text = parsed.feedback
    assert "block 1 of 1: its SEARCH text matches nowhere in the current best" in text
    assert "  | \tmovl\t$7, %eax" in text  # its SEARCH lines, quoted
    assert "(lines 4-5):\n  | \tmovl\t$1, %eax\n  | \taddl\t$2, %eax" in text  # the nearest
    assert parsed.summary.startswith("edits not applied: block 1 of 1")


def test_nothing_similar_is_not_offered_as_nearest():
    parsed = read_reply(block("\tvpternlogd\t$0x96, %zmm1, %zmm2, %zmm3\n", ""), SMALL)
    assert "matches nowhere" in parsed.feedback and "most similar" not in parsed.feedback


def test_an_ambiguous_block_names_the_places():
    parsed = read_reply(block("\tmovl\t$1, %eax\n", "\tmovl\t$5, %eax\n"), SMALL)
    assert parsed.asm is None
    assert "block 1 of 1: its SEARCH text matches 2 places (at lines 4, 8)" in parsed.feedback


def test_overlapping_blocks_are_refused_and_nothing_is_applied():
    reply = (
        block("\tmovl\t$1, %eax\n\taddl\t$2, %eax\n", "\tmovl\t$3, %eax\n")
        + block("\taddl\t$2, %eax\n\tret\nhelper:\n", "\taddl\t$2, %eax\n\tret\n")
        + block("\tmovl\t$1, %eax\n\tret\n", "")
    )
    parsed = read_reply(reply, SMALL)
    assert parsed.asm is None and len(parsed.errors) == 1
    assert "blocks 1 and 2 of 3 overlap (lines 4-5 and 5-7" in parsed.feedback
    assert parsed.feedback.startswith("None of the 3 edit blocks was applied")


def test_a_block_inside_a_longer_one_overlaps_even_past_a_neighbour():
    lines = [f"\tnop\t# {i}" for i in range(10)]
    text = "\n".join(lines) + "\n"
    outer = block("\n".join(lines[1:8]) + "\n", "")
    first = block(lines[2] + "\n", "")
    second = block(lines[6] + "\n", "")
    with pytest.raises(EditsRejected) as caught:
        apply_edits(text, parse_edits(outer + first + second)[0])
    reasons = [e.reason for e in caught.value.errors]
    assert any("blocks 1 and 2 of 3 overlap" in r for r in reasons)
    assert any("blocks 1 and 3 of 3 overlap" in r for r in reasons)


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (
            "<<<<<<< SEARCH\n\tret\n=======\n\tnop\n",
            "block 1 of 1: no >>>>>>> REPLACE marker (the reply ends inside the block)",
        ),
        (
            "<<<<<<< SEARCH\n\tret\n=======\n\tnop\n" + block("helper:\n", "h:\n"),
            "block 1 of 2: no >>>>>>> REPLACE marker before the next SEARCH",
        ),
        (
            "<<<<<<< SEARCH\n\tret\n",
            "block 1 of 1: the reply ends inside its SEARCH part",
        ),
        (
            "<<<<<<< SEARCH\n\tret\n>>>>>>> REPLACE\n",
            "block 1 of 1: no ======= divider between its SEARCH and REPLACE parts",
        ),
        (block("helper:\n", "h:\n") + "=======\n", "a ======= divider outside any SEARCH block"),
        ("\tret\n>>>>>>> REPLACE\n" + block("a\n", "b\n"), "a >>>>>>> REPLACE marker with no"),
        (block("\n  \n", "\tnop\n"), "block 1 of 1: its SEARCH part is empty"),
    ],
)
def test_malformed_blocks_are_named(reply, reason):
    parsed = read_reply(reply, SMALL)
    assert parsed.asm is None and parsed.format == "edits"
    assert reason in parsed.feedback


def test_a_missing_replace_marker_quotes_the_search_lines():
    parsed = read_reply("<<<<<<< SEARCH\n\taddl\t$2, %eax\n=======\n\taddl\t$3, %eax\n", SMALL)
    assert "  | \taddl\t$2, %eax" in parsed.feedback


def test_a_reply_mixing_a_whole_file_and_edits_is_refused():
    reply = (
        "Here is the file:\n```asm\n"
        + SMALL
        + "```\nand the edit:\n"
        + block("\taddl\t$2, %eax\n", "\taddl\t$3, %eax\n")
    )
    parsed = read_reply(reply, SMALL)
    assert parsed.asm is None
    assert "holds both a whole file" in parsed.feedback and "1 edit block" in parsed.feedback


def test_a_short_snippet_beside_edits_is_not_a_whole_file():
    reply = "The loop used to be:\n```asm\n\taddl\t$2, %eax\n```\n" + block(
        "\taddl\t$2, %eax\n", "\taddl\t$3, %eax\n"
    )
    assert read_reply(reply, SMALL).asm == SMALL.replace("$2", "$3")


def test_a_whole_file_reply_is_read_as_before():
    parsed = read_reply("Faster:\n```asm\n" + COLLATZ_FAST + "```\n", COLLATZ)
    assert (parsed.format, parsed.asm, parsed.blocks) == ("whole", COLLATZ_FAST, 0)
    assert read_reply("I cannot help.", COLLATZ).asm is None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (COLLATZ, COLLATZ_FAST),
        (BIG, BIG.replace("call\t__popcountdi2@PLT", "popcntq\t%rdi, %rax")),
        (SMALL, SMALL.replace("\tret\n", "\tnop\n\tret\n")),  # the same change at two places
    ],
)
def test_edit_reply_turns_old_into_new(old, new):
    reply = edit_reply(old, new)
    assert read_reply(reply, old).asm == new


def test_edit_reply_on_random_changes():
    rng = random.Random(3)
    lines = COLLATZ.splitlines()
    for _ in range(200):
        new = list(lines)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(new))
            kind = rng.choice(("delete", "insert", "change", "duplicate"))
            if kind == "delete":
                del new[at]
            elif kind == "insert":
                new.insert(at, f"\tnop\t# {rng.random()}")
            elif kind == "change":
                new[at] = new[at] + " "
            else:
                new.insert(at, new[rng.randrange(len(new))])
        target = "\n".join(new) + "\n"
        assert read_reply(edit_reply(COLLATZ, target), COLLATZ).asm == target


def test_an_edit_reply_is_a_small_fraction_of_a_big_file():
    reply = edit_reply(BIG, BIG.replace("call\t__popcountdi2@PLT", "popcntq\t%rdi, %rax"))
    assert BIG.count("\n") > 3000 and len(reply) * 10 < len(BIG)


def test_nearest_lines_in_a_big_repetitive_file_take_bounded_work(monkeypatch):
    # 300 altered lines of the 3,000-line table, where every window looks alike:
    # comparing each window in full took minutes; only a few are compared now.
    import difflib

    compared = []

    class Counting(difflib.SequenceMatcher):
        def ratio(self):
            if len(self.a) > 500:  # a window, not one line
                compared.append(1)
            return super().ratio()

    monkeypatch.setattr(difflib, "SequenceMatcher", Counting)
    lines = BIG.splitlines()
    search = "".join(f"{line}0\n" for line in lines[1000:1300])
    parsed = read_reply(block(search, ""), BIG)
    assert parsed.errors[0].nearest[0] == 1001
    assert 0 < len(compared) <= 12
