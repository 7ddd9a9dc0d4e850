"""Text laid out for a terminal of any width: lines broken between words, hanging
indents, and tables that fit the screen or give way to a list.

Rich wraps text too, but leaves the space it broke at on the end of the line and
squeezes a table that is too wide by cutting its cells ("back-ball-wall-lo…"),
ids included. Here a line is only ever broken between words (a word longer than
the whole line is broken after a hyphen or a slash, and folded only when it has
neither), a column that must stay whole (an id, a duration) is never narrowed,
and `grid` says when a table cannot fit (None) so that the screen can show the
same rows as a list instead. Every line ends with its last character: no
padding. Styles survive: lines are slices of rich Texts.

Imported by the renderers only (it imports rich).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text

from .records import NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from rich.console import Console, ConsoleOptions, RenderResult

GAP = 2  # columns between the columns of a table
_WORD = re.compile(r"\S+")
_BREAK_AFTER = "-/"  # where a word too long for its line may be broken


def _cells(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def as_text(value: Text | str, style: str = "") -> Text:
    if isinstance(value, Text):
        return value
    return Text(value, style=style)


def _split_word(plain: str, start: int, end: int, width: int) -> list[int]:
    """Where to cut plain[start:end], a word wider than `width`: after a hyphen or slash when one
    falls within the line, else at the last character that fits. Returns the cut positions."""
    cuts = []
    while _cells(plain[start:end]) > width:
        fit = start
        while fit < end and _cells(plain[start : fit + 1]) <= width:
            fit += 1
        fit = max(fit, start + 1)  # a character wider than the line still goes somewhere
        soft = max((i + 1 for i in range(start, fit) if plain[i] in _BREAK_AFTER and i + 1 < end), default=None)
        cut = soft if soft is not None and soft > start else fit
        cuts.append(cut)
        start = cut
    return cuts


def spans(plain: str, width: int) -> list[tuple[int, int]]:
    """The lines of `plain` at `width` cells, as (start, end) offsets.

    Broken between words (the spaces at a break are dropped), at each newline,
    and inside a word only when it is wider than the line. A paragraph's
    leading spaces are kept as its indent.
    """
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    base = 0
    for para in plain.split("\n"):
        start: int | None = None  # where the line being filled starts
        end = base
        used = 0  # its width so far
        for match in _WORD.finditer(para):
            ws, we = base + match.start(), base + match.end()
            size = _cells(match.group())
            if start is None:
                # The paragraph's indent stays, unless its first word would then not fit.
                indent = _cells(para[: match.start()])
                start, used = (base, indent + size) if indent + size <= width else (ws, size)
            else:
                gap = _cells(plain[end:ws])
                if used + gap + size <= width:
                    used += gap + size
                    end = we
                    continue
                lines.append((start, end))
                start, used = ws, size
            if used > width:
                # Alone on its line and still too wide: its pieces fill whole lines, the last goes on.
                for cut in _split_word(plain, start, we, width):
                    lines.append((start, cut))
                    start = cut
                used = _cells(plain[start:we])
            end = we
        lines.append((start if start is not None else base, end))
        base += len(para) + 1
    return lines


def wrap(text: Text | str, width: int) -> list[Text]:
    """`text` in lines of at most `width` cells (see `spans`), styles kept, nothing trailing."""
    text = as_text(text)
    plain = text.plain
    return [text[a:b] for a, b in spans(plain, width)]


def hang(lead: Text | str, body: Text | str, width: int, *, shallow_below: int = 0) -> list[Text]:
    """`lead` then `body`, its later lines starting under the body's first character (or two
    columns in, when the lead leaves too little room beside it, or the screen is narrower
    than `shallow_below`)."""
    lead = as_text(lead)
    indent = lead.cell_len
    if width - indent >= 12 and width >= shallow_below:
        lines = wrap(body, width - indent)
        return [Text.assemble(lead if n == 0 else " " * indent, line) for n, line in enumerate(lines)]
    whole = Text.assemble(lead, as_text(body))
    first = spans(whole.plain, width)[0][1]
    rest = whole[first:]
    skip = len(rest.plain) - len(rest.plain.lstrip())
    out = [whole[:first]]
    if rest.plain.strip():
        out += [Text.assemble("  ", line) for line in wrap(rest[skip:], width - 2)]
    return out


def flow(parts: Iterable[Text | str], width: int, sep: str = "   ") -> list[Text]:
    """Short pieces side by side, a line broken between pieces rather than inside one."""
    lines: list[Text] = []
    line = Text()
    for part in parts:
        piece = as_text(part)
        if not piece.plain:
            continue
        if line.plain and line.cell_len + len(sep) + piece.cell_len <= width:
            line.append(sep)
            line.append_text(piece)
            continue
        if line.plain:
            lines.append(line)
        if piece.cell_len <= width:
            line = piece.copy()
        else:
            *whole, line = wrap(piece, width)
            lines += whole
    if line.plain or not lines:
        lines.append(line)
    return lines


class Col(NamedTuple):
    """A table column. `wrap` columns (names, sentences) break at words and share the room
    left; the others (ids, durations, kinds) keep their widest cell whole."""

    header: str
    wrap: bool = False
    right: bool = False
    style: str = ""
    least: int = 10  # the narrowest a wrap column may get before the table gives way to a list
    share: int = 1  # how much of the room left it takes, against the other wrap columns


def _longest_word(text: str) -> int:
    """The widest piece of `text` that a line may not break: a word, or the part of a hyphenated
    word up to and with its hyphen ('Hands-behind-the-head' may go 'Hands-behind-' / 'the-head')."""
    return max((_cells(piece) for word in text.split() for piece in re.findall(r"[^-/]*[-/]?", word)), default=0)


def grid(
    cols: Sequence[Col], rows: Sequence[Sequence[Text | str]], width: int, *, header_style: str = "bold"
) -> list[Text] | None:
    """The rows as a table of at most `width` cells, or None when it cannot fit without
    cutting a column that must stay whole or squeezing a wrap column below its `least`."""
    blocks = grid_rows(cols, rows, width, header_style=header_style)
    if blocks is None:
        return None
    header, body = blocks
    return header + [line for row in body for line in row]


def grid_rows(
    cols: Sequence[Col], rows: Sequence[Sequence[Text | str]], width: int, *, header_style: str = "bold"
) -> tuple[list[Text], list[list[Text]]] | None:
    """As `grid`, with the header's lines and each row's lines apart (for tables shown in parts)."""
    cells = [[as_text(value, col.style) for value, col in zip(row, cols, strict=True)] for row in rows]
    natural = []
    least = []
    for i, col in enumerate(cols):
        texts = [col.header] + [row[i].plain for row in cells]
        widest = max(_cells(line) for t in texts for line in t.split("\n"))
        natural.append(widest)
        least.append(max(col.least, max(_longest_word(t) for t in texts)) if col.wrap else widest)
    room = width - GAP * (len(cols) - 1) - sum(w for w, col in zip(natural, cols, strict=True) if not col.wrap)
    flexible = [i for i, col in enumerate(cols) if col.wrap]
    widths = [natural[i] if not cols[i].wrap else min(least[i], natural[i]) for i in range(len(cols))]
    if sum(widths[i] for i in flexible) > room:
        return None
    spare = room - sum(widths[i] for i in flexible)
    while spare > 0:
        hungry = [i for i in flexible if widths[i] < natural[i]]
        if not hungry:
            break
        total = sum(cols[i].share for i in hungry)
        given = 0
        for i in hungry:
            part = max(1, spare * cols[i].share // total)
            part = min(part, natural[i] - widths[i], spare - given)
            widths[i] += part
            given += part
        spare -= given
        if given == 0:
            break
    header = [Text(col.header, style=header_style) for col in cols]
    top = _row(header, cols, widths) if any(col.header for col in cols) else []
    return top, [_row(row, cols, widths) for row in cells]


def _row(row: Sequence[Text], cols: Sequence[Col], widths: Sequence[int]) -> list[Text]:
    folded = [wrap(cell, w) if col.wrap else cell.split("\n") for cell, col, w in zip(row, cols, widths, strict=True)]
    height = max(len(f) for f in folded)
    lines = []
    for n in range(height):
        line = Text()
        for i, (parts, col, w) in enumerate(zip(folded, cols, widths, strict=True)):
            part = parts[n] if n < len(parts) else Text()
            pad = " " * max(0, w - part.cell_len)
            if i:
                line.append(" " * GAP)
            if col.right:
                line.append(pad)
                line.append_text(part)
            else:
                line.append_text(part)
                line.append(pad)
        line.rstrip()
        lines.append(line)
    return lines


class Block:
    """A renderable whose lines are laid out for the width it is given."""

    def __init__(self, lay_out: Callable[[int], list[Text]]) -> None:
        self.lay_out = lay_out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lay_out(options.max_width):
            line.end = "\n"
            line.no_wrap = True
            line.overflow = "ignore"
            yield line

    def lines(self, width: int) -> list[Text]:
        return self.lay_out(width)
