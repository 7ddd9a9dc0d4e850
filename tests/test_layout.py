"""The layout of text on a screen of any width: words whole, nothing past the edge, nothing trailing."""

from __future__ import annotations

from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.text import Text

from selfcare.layout import Col, flow, grid, hang, wrap

WORD = st.text(alphabet="abcdefghij-/", min_size=1, max_size=14)
TEXT = st.lists(WORD, min_size=0, max_size=30).map(" ".join)


@settings(max_examples=examples(300))
@given(TEXT, st.integers(min_value=1, max_value=60))
def test_wrapped_lines_fit_keep_every_character_and_end_with_no_blank(text: str, width: int) -> None:
    lines = [line.plain for line in wrap(text, width)]
    assert all(len(line) <= width for line in lines)
    assert all(line == line.rstrip() for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=examples(300))
@given(TEXT, st.integers(min_value=15, max_value=60))
def test_a_word_that_fits_a_line_is_never_broken(text: str, width: int) -> None:
    lines = [line.plain for line in wrap(text, width)]
    pieces = [piece for line in lines for piece in line.split(" ")]
    for word in text.split():
        if len(word) <= width:
            assert word in pieces, (word, lines)


def test_a_word_too_long_for_the_line_breaks_after_a_hyphen_first() -> None:
    assert [line.plain for line in wrap("[massage-therapist]", 12)] == ["[massage-", "therapist]"]
    assert [line.plain for line in wrap("abcdefghijkl", 5)] == ["abcde", "fghij", "kl"]


def test_a_hanging_indent_keeps_the_text_s_left_edge_and_styles() -> None:
    lines = hang("! ", Text("Stop if the pain is sharp or shooting, or lingers afterwards.", style="yellow"), 30)
    assert [line.plain for line in lines] == [
        "! Stop if the pain is sharp or",
        "  shooting, or lingers",
        "  afterwards.",
    ]
    assert all(span.style == "yellow" for line in lines for span in line.spans)


def test_flow_breaks_between_pieces_before_inside_one() -> None:
    lines = flow(["2 days in a row", "longest 2", "total 3 days"], 30)
    assert [line.plain for line in lines] == ["2 days in a row   longest 2", "total 3 days"]


def test_a_table_keeps_whole_columns_whole_or_says_it_cannot_fit() -> None:
    columns = (Col("id"), Col("name", wrap=True, least=8), Col("time", right=True))
    rows = [["stretch-chest-hands-behind-head", "Hands-behind-the-head chest opener", "1 min 10 s"]]
    table = grid(columns, rows, 60)
    assert table is not None
    assert [line.plain for line in table[1:]] == [
        "stretch-chest-hands-behind-head  Hands-behind-    1 min 10 s",
        "                                 the-head chest",
        "                                 opener",
    ]
    assert all(len(line.plain) <= 60 and line.plain == line.plain.rstrip() for line in table)
    assert grid(columns, rows, 45) is None  # an id of 31 and a time of 10 leave too little for the name
