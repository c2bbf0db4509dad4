"""Cell-size arithmetic for the Excel writer.

openpyxl cannot measure text, and Excel only autofits row heights when it
recalculates a row it has edited itself, so the writer estimates them: wrap each
line of a cell greedily at the number of characters a column of that width holds
in the body font, count the lines, and multiply by the font's line height.

The figures are for Arial 10 (metric-compatible with Liberation Sans, so Excel
and LibreOffice lay it out alike) in columns measured in Excel's width unit,
the width of a digit of the default font (7 px at 96 dpi).
"""

from __future__ import annotations

import math

#: Pixels per unit of column width, and the cell's inner padding in pixels.
PX_PER_UNIT = 7.0
PADDING_PX = 9.0
#: Mean advance of a character of running English text in Arial 10 at 96 dpi
#: (measured on the sample registers: 0.81 of a digit's 7.4 px), rounded up so
#: that the estimate errs towards a row too tall rather than text cut off.
CHAR_PX = 6.3
BOLD_CHAR_PX = 6.9
#: Row height of one line of Arial 10, in points, and the space above and below.
LINE_PT = 12.75
ROW_PADDING_PT = 4.0
#: Excel's largest row height.
MAX_ROW_PT = 409.5
MAX_LINES = int((MAX_ROW_PT - ROW_PADDING_PT) // LINE_PT)
#: Font sizes a cell too long for the largest row steps down to, with Excel's
#: line height for each (Arial 10, 9, 8: 12.75, 12, 11.25 points).
SIZES = ((10, 12.75), (9, 12.0), (8, 11.25))


def chars_per_line(width: float, bold: bool = False, size: float = 10) -> int:
    """How many characters of text at `size` points fit on one line of a column `width` wide."""
    return max(1, int((width * PX_PER_UNIT - PADDING_PX) / ((BOLD_CHAR_PX if bold else CHAR_PX) * size / 10)))


def line_count(text: str, cap: int) -> int:
    """Lines `text` takes when wrapped at word boundaries to `cap` characters."""
    if not text:
        return 0
    total = 0
    for line in text.split("\n"):
        if len(line) <= cap:
            total += 1
            continue
        count, cur = 1, -1
        for word in line.split(" "):
            n = len(word)
            if cur < 0:
                cur = n
            elif cur + 1 + n <= cap:
                cur += 1 + n
            else:
                count += 1
                cur = n
            if cur > cap:  # a word longer than the line breaks anywhere
                extra = math.ceil(cur / cap) - 1
                count += extra
                cur -= extra * cap
        total += count
    return total


def row_height(lines: int, line_pt: float = LINE_PT) -> float:
    """Points a row needs to show `lines` lines, within Excel's limit."""
    return min(MAX_ROW_PT, max(1, lines) * line_pt + ROW_PADDING_PT)


def fit(text: str, width: float) -> tuple[int, float]:
    """The largest of `SIZES` at which `text` fits the largest row in a column
    `width` wide (the smallest if none does), and the height it needs there."""
    for size, line_pt in SIZES:
        height = line_count(text, chars_per_line(width, size=size)) * line_pt + ROW_PADDING_PT
        if height <= MAX_ROW_PT:
            break
    return size, min(MAX_ROW_PT, height)


def width_to_fit(texts: list[str], width: float, limit: float, lines: int = MAX_LINES) -> float:
    """The narrowest width from `width` up to `limit` (in steps of 5) at which
    every text takes at most `lines` lines; `limit` if none does."""
    tallest = [t for t in texts if line_count(t, chars_per_line(width)) > lines]
    w = width
    while tallest and w < limit:
        w = min(limit, w + 5)
        tallest = [t for t in tallest if line_count(t, chars_per_line(w)) > lines]
    return w


def note_height(text: str, width: float) -> float:
    """Height of a row holding `text` wrapped in 9-point italic across `width` units."""
    return row_height(line_count(text, chars_per_line(width, size=9)), 12.0)
