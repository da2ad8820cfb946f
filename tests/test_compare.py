"""Output comparison modes and the escaped excerpts shown for untrusted output."""

from __future__ import annotations

import pytest

from tools.compare import excerpt, first_difference, outputs_match
from tools.task import Compare

EXACT = Compare()
WS = Compare(mode="whitespace")
FLOAT = Compare(mode="float", rel_tol=1e-6, abs_tol=1e-9)


def test_exact() -> None:
    assert outputs_match(b"1 2\n", b"1 2\n", EXACT)
    assert not outputs_match(b"1 2\n", b"1 2", EXACT)
    assert not outputs_match(b"1 2\n", b"1  2\n", EXACT)
    assert not outputs_match(b"1 2\n", b"1 2\r\n", EXACT)
    assert outputs_match(b"", b"", EXACT)


def test_whitespace_ignores_trailing_space_and_blank_lines() -> None:
    assert outputs_match(b"1 2\n3\n", b"1 2   \n3\t\r\n\n\n", WS)
    assert outputs_match(b"1 2\n3\n", b"1 2\n3", WS)
    assert outputs_match(b"", b"\n \n", WS)


def test_whitespace_still_checks_content() -> None:
    assert not outputs_match(b"1 2\n", b"1  2\n", WS)  # inner spaces count
    assert not outputs_match(b"1 2\n", b" 1 2\n", WS)  # leading spaces count
    assert not outputs_match(b"1\n2\n", b"1\n\n2\n", WS)  # inner blank lines count
    assert not outputs_match(b"1\n2\n", b"12\n", WS)


def test_float_within_tolerance() -> None:
    assert outputs_match(b"3.14159265 x 2\n", b"3.14159266 x 2\n", FLOAT)
    assert outputs_match(b"0.0\n", b"1e-10\n", FLOAT)  # absolute tolerance near zero
    assert outputs_match(b"1000000\n", b"1000000.5\n", FLOAT)  # relative: 5e-7
    assert outputs_match(b"1.5 2.5\n", b"1.50000\n2.500000   ", FLOAT)  # any whitespace
    assert outputs_match(b"-0\n", b"0.000\n", FLOAT)
    assert outputs_match(b"nan inf\n", b"nan inf\n", FLOAT)  # identical tokens


def test_float_outside_tolerance() -> None:
    assert not outputs_match(b"3.14159\n", b"3.14160\n", FLOAT)
    assert not outputs_match(b"0\n", b"1e-8\n", FLOAT)
    assert not outputs_match(b"1e400\n", b"1e401\n", FLOAT)  # both overflow: no free pass
    loose = Compare(mode="float", rel_tol=1e-2, abs_tol=0)
    assert outputs_match(b"100\n", b"100.9\n", loose)
    assert not outputs_match(b"100\n", b"102\n", loose)


def test_float_non_numeric_tokens_exact() -> None:
    assert outputs_match(b"Yes 1.0\n", b"Yes 1.0000001\n", FLOAT)
    assert not outputs_match(b"Yes 1.0\n", b"yes 1.0\n", FLOAT)
    assert not outputs_match(b"1_000\n", b"1000\n", FLOAT)  # not a number token
    assert not outputs_match(b"nan\n", b"1.0\n", FLOAT)
    assert not outputs_match(b"0x10\n", b"16\n", FLOAT)


def test_float_token_count_mismatch() -> None:
    assert not outputs_match(b"1 2 3\n", b"1 2\n", FLOAT)
    assert not outputs_match(b"1 2\n", b"1 2 3\n", FLOAT)
    assert not outputs_match(b"1\n", b"\n", FLOAT)


def test_not_utf8_bytes_compare_without_errors() -> None:
    junk = b"\xff\xfe\x80 1.0\n"
    for mode in (EXACT, WS, FLOAT):
        assert outputs_match(junk, junk, mode)
        assert not outputs_match(b"1.0\n", junk, mode)
        assert not outputs_match(junk, b"\xff\xfe\x81 1.0\n", mode)
    assert outputs_match(b"\xff 1.0\n", b"\xff 1.0000000001\n", FLOAT)
    assert outputs_match(b"\xff\n", b"\xff  \n", WS)


def test_excerpt_escapes_untrusted_bytes() -> None:
    text = excerpt(b"ok\n\x00\x1b[2J\xff\xe2\x80\xae\\ \xc3\xa9")
    assert text == "ok\\n\\x00\\x1b[2J\\xff\\u202e\\\\ é"
    assert text.isprintable()


def test_excerpt_cuts_with_size() -> None:
    data = b"12345 " * 100
    text = excerpt(data, limit=20)
    assert text == "12345 12345 12345 12… (600 bytes)"
    assert excerpt(b"short", limit=20) == "short"
    assert excerpt(b"") == ""
    cut = excerpt(b"\xff" * 100, limit=10)  # escapes count towards the limit
    assert cut == "\\xff\\xff… (100 bytes)"


def test_excerpt_of_exactly_limit_is_not_cut() -> None:
    assert excerpt(b"a" * 200) == "a" * 200
    assert excerpt(b"a" * 201).endswith("… (201 bytes)")


def test_first_difference_line_and_context() -> None:
    expected = b"1\n2\n3\n4\n5\n"
    actual = b"1\n2\n3\n40\n5\n"
    text = first_difference(expected, actual)
    assert text.splitlines() == [
        "first difference at line 4, column 2 (expected 5 lines, 10 bytes; got 5 lines, 11 bytes)",
        "  line 2: '2'",
        "  line 3: '3'",
        "  expected: '4'",
        "  actual:   '40'",
    ]
    assert len(first_difference(expected, actual, context=0).splitlines()) == 3


def test_first_difference_missing_lines_and_newline() -> None:
    text = first_difference(b"1\n2\n", b"1\n")
    assert "line 2" in text and "actual:   <end of output>" in text
    text = first_difference(b"1\n2\n", b"1\n2")
    assert "actual:   '2' (no newline at end)" in text
    text = first_difference(b"", b"x\n")
    assert "expected: <end of output>" in text and "actual:   'x'" in text
    assert first_difference(b"a\n", b"a\n") == "outputs are identical"


def test_first_difference_escapes_and_is_short() -> None:
    expected = b"x" * 50_000 + b"A" + b"\n"
    actual = b"x" * 50_000 + b"\x1b]0;pwned\x07\xff" * 1000 + b"\n"
    text = first_difference(expected, actual, context=5)
    assert "column 50001" in text
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b]0;pwned\\x07\\xff" in text
    assert "'A'" not in text and "A'" in text  # the window shows the differing column
    assert len(text) <= 620
    many = b"".join(b"%d\xff\n" % i for i in range(1000))
    long_ctx = first_difference(many, many[:-3] + b"?\n", context=50)
    assert len(long_ctx) <= 620
    assert long_ctx.splitlines()[-1].startswith("  actual:")


@pytest.mark.parametrize("compare", [EXACT, WS, FLOAT])
def test_empty_outputs(compare: Compare) -> None:
    assert outputs_match(b"", b"", compare)
    assert not outputs_match(b"", b"x", compare)
