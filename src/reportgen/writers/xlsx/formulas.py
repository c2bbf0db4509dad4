"""Score cells as formulas of their likelihood and impact, and the History sheet's band counts
as formulas over its table (`count_in_band`), with the value cached beside them.

A current score whose likelihood and impact are known is written `=J6*K6` (the same row's
Likelihood and Impact cells), so an edited likelihood changes the score and its colour (the
band rules are `cellIs between` on the score column: they compare the formula's value).

openpyxl writes a formula with an empty value, `<c r="I6" s="9"><f>J6*K6</f><v></v></c>`,
and readers that do not calculate (openpyxl with `data_only=True`, pandas) then see no score.
`fill_cached` writes each formula's value into that `<v>` in the sheet's XML after openpyxl
has written it. It expects exactly that shape, for exactly the cells it was given, and raises
if openpyxl ever writes formulas another way: a build fails rather than lose the numbers.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

#: The scores written as formulas. Residual and target scores stay typed numbers: the shared
#: acceptance check (`checks/run excel`) reads the workbook without calculating and asks for a
#: score column of numbers only, which a register whose every residual score has a likelihood
#: and impact (samples/small.yaml) would otherwise not have. An edit to their likelihood or
#: impact is still resolved on import (importers/xlsx.py, by the Rating column).
FORMULA_SCORES = ("current",)

#: A formula cell as openpyxl writes it: reference, style (optional), formula, empty value.
_CELL = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"((?: s="[0-9]+")?)><f>([^<]*)</f><v></v></c>')
_ANY_FORMULA = re.compile(rb"<f[ >/]")


def product(likelihood_col: int, impact_col: int, row: int) -> str:
    """`J6*K6`: the formula (without its `=`) of a score on `row`."""
    return f"{get_column_letter(likelihood_col)}{row}*{get_column_letter(impact_col)}{row}"


def count_in_band(cells: str, low: int, high: int) -> str:
    """`COUNTIFS($D$6:$D$20,">=16",$D$6:$D$20,"<=25")`: how many of `cells` hold a number from
    `low` to `high` (an empty cell, a gap, counts in no band)."""
    return f'COUNTIFS({cells},">={low}",{cells},"<={high}")'


def fill_cached(xml: bytes, cells: dict[str, tuple[str, int]]) -> bytes:
    """Write the value of each formula cell {reference: (formula, value)} into a sheet's XML (the
    Register's score formulas; the History sheet's band counts)."""
    done: set[str] = set()

    def put(m: re.Match[bytes]) -> bytes:
        ref = m.group(1).decode()
        want = cells.get(ref)
        # The formula as openpyxl escapes it in the XML (`"&gt;=16"` for `">=16"`).
        if want is None or escape(want[0]).encode() != m.group(3) or ref in done:
            raise RuntimeError(f"openpyxl wrote a formula reportgen did not ask for, or twice: {m.group(0)!r}")
        done.add(ref)
        return b'<c r="%s"%s><f>%s</f><v>%d</v></c>' % (m.group(1), m.group(2), m.group(3), want[1])

    out = _CELL.sub(put, xml)
    missing = sorted(set(cells) - done)
    if missing or len(_ANY_FORMULA.findall(out)) != len(cells):
        raise RuntimeError(
            "openpyxl no longer writes a formula cell as <c r=.. s=..><f>..</f><v></v></c>: the score "
            f"formulas' values could not be written (cells {', '.join(missing) or 'other than those asked for'}); "
            "see writers/xlsx/formulas.py"
        )
    return out
