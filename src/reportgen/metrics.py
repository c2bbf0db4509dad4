"""How wide text is: Arial / Liberation Sans advance widths, for every writer and the view.

The view gives each table column its share of the width from what the column holds (and never
less than its longest word), and the Word writer estimates row heights, from the same figures.
Helvetica's metrics, which Arial and Liberation Sans share, in 1/1000 em; an estimate, never
the layout the word processor or WeasyPrint does itself.
"""

from __future__ import annotations

import re

# Approximate Arial / Liberation Sans advance widths (1/1000 em; Helvetica metrics, which
# Arial and Liberation Sans share). Used only to estimate row heights and minimum column
# widths, never for layout the word processor does itself.
WIDTHS: dict[str, int] = {}
for _chars, _w in (
    (" ", 278),
    ("!", 278),
    ('"', 355),
    ("#$", 556),
    ("%", 889),
    ("&", 667),
    ("'", 191),
    ("()", 333),
    ("*", 389),
    ("+<=>~", 584),
    (",./:;", 278),
    ("-", 333),
    ("0123456789", 556),
    ("?", 556),
    ("@", 1015),
    ("ABEKPSVXY", 667),
    ("CDHNRUw", 722),
    ("FTZ", 611),
    ("GOQ", 778),
    ("IJ", 500),
    ("L", 556),
    ("M", 833),
    ("W", 944),
    ("abdeghnopqu", 556),
    ("cksvxyz", 500),
    ("fjt", 278),
    ("il", 222),
    ("m", 833),
    ("r", 333),
    ("[]", 278),
    ("_", 556),
    ("\u2013", 556),
    ("\u2014", 1000),
    ("\u2018\u2019", 222),
    ("\u201c\u201d", 333),
    ("\u2022", 350),
    ("£€", 556),
):
    for _c in _chars:
        WIDTHS[_c] = _w
WIDTHS["I"] = 278


#: Arial Bold is about 10-25 % wider than regular, letter by letter.
BOLD_FACTOR = 1.12
#: The width of a character the table does not know.
DEFAULT = 556


def units(text: str) -> int:
    """The width of `text` in 1/1000 em (regular weight)."""
    get = WIDTHS.get
    return sum(get(c, DEFAULT) for c in text)


def text_em(text: str, bold: bool = False) -> float:
    """The width of `text` in em."""
    return units(text) / 1000 * (BOLD_FACTOR if bold else 1.0)


#: Where a line may break inside a run of text besides spaces: after a slash or a hyphen, as
#: Word, LibreOffice and WeasyPrint (Unicode line breaking) all allow.
_BREAK_AFTER = re.compile(r"(?<=[/\-\u2013])")


def words(text: str) -> list[str]:
    """The pieces of `text` a line cannot break inside."""
    return [piece for w in text.split() for piece in _BREAK_AFTER.split(w) if piece]


def longest_word_em(text: str, bold: bool = False) -> float:
    """The width of the widest word of `text` in em: what a column must hold not to break a word."""
    return max((text_em(w, bold) for w in words(text)), default=0.0)
