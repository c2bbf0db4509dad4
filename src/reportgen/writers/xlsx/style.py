"""Styles, safe text and shared pieces of the Excel writer's sheets."""

from __future__ import annotations

import math

from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ...model import Band
from ...richtext import Block
from ...view import GroupView
from .layout import PX_PER_UNIT

DEFAULT_WIDTH = 8.43  # Excel's column width where the sheet sets none
MAX_CELL = 32767  # Excel's limit on the characters in a cell
FONT = "Arial"  # metric-compatible with Liberation Sans: LibreOffice lays it out as Excel does
FORMULA_STARTS = ("=", "+", "-", "@")
BODY_FONT = Font(name=FONT, size=10, family=2)


class RichStr(str):
    """Cell text as plain characters (for measuring), carrying the same text as Excel rich
    text (bold and italic runs) when it has any, so formatting survives into the workbook."""

    rich: CellRichText | None = None


_FONTS: dict[tuple[bool, bool], InlineFont] = {}


def _font(bold: bool, italic: bool) -> InlineFont:
    # A rich-text run's font replaces the cell's, so each run names the face and size too.
    key = (bold, italic)
    if key not in _FONTS:
        _FONTS[key] = InlineFont(rFont=FONT, sz=10, b=bold or None, i=italic or None)
    return _FONTS[key]


def rich_lines(lines: list[list[tuple[str, bool, bool]]]) -> RichStr:
    """Lines of (text, bold, italic) runs as one cell value."""
    return _rich(lines)


def _rich(lines: list[list[tuple[str, bool, bool]]]) -> RichStr:
    """Lines of (text, bold, italic) runs as one cell value."""
    plain = "\n".join("".join(t for t, _, _ in line) for line in lines)
    out = RichStr(plain)
    if any(b or i for line in lines for _, b, i in line):
        parts: list = []
        for n, line in enumerate(lines):
            runs = list(line)
            if n:
                runs = [("\n", False, False)] + runs
            for text, b, i in runs:
                if not text:
                    continue
                if parts and isinstance(parts[-1], tuple) and parts[-1][1:] == (b, i):
                    parts[-1] = (parts[-1][0] + text, b, i)
                else:
                    parts.append((text, b, i))
        out.rich = CellRichText([TextBlock(_font(b, i), t) if (b or i) else t for t, b, i in parts])
    return out


def _block_lines(blocks: tuple[Block, ...]) -> list[list[tuple[str, bool, bool]]]:
    """Rich text as cell lines: bullets as '• ', two spaces of indent a level of nesting."""
    lines = []
    for b in blocks:
        indent = "  " * max(b.level - 1, 0)
        prefix = f"{b.marker} " if b.marker else ("  " if b.level else "")
        lines.append([(indent + prefix, False, False)] + [(r.text, r.bold, r.italic) for r in b.runs])
    return lines


def rich_text(blocks: tuple[Block, ...]) -> str:
    """The view's blocks as one cell's text, with bold and italic runs."""
    return _rich(_block_lines(blocks)) if blocks else ""


def groups_text(groups: tuple[GroupView, ...], status: bool = False) -> str:
    """Each group as its theme (in bold) on a line, then its items; a blank line between groups.
    `status`: each action's due date and status under it (`Due 1 September 2018 · Open ·
    Overdue`, in italic; bold too when overdue), as the Cards sheet prints them. The Register's
    cell holds the groups' text only: their due dates and statuses are on the Actions sheet."""
    lines: list[list[tuple[str, bool, bool]]] = []
    for g in groups:
        part = [[(g.theme.strip(), True, False)]] if g.theme and g.theme.strip() else []
        part += _block_lines(g.blocks)
        if status and g.status_text:
            part.append([(g.status_text, g.overdue, True)])
        if part:
            if lines:
                lines.append([])
            lines.extend(part)
    return _rich(lines) if lines else ""


def owners_text(owners: tuple[tuple[str | None, str], ...]) -> str:
    """The view's owners by theme, one a line: 'Theme: owner', or the owner alone."""
    return "\n".join(dict.fromkeys(f"{theme}: {owner}" if theme else owner for theme, owner in owners))


_THIN = Side(style="thin", color="FFBFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_KEY_SIDE = Side(style="thin", color="FF808080")
_KEY_BORDER = Border(left=_KEY_SIDE, right=_KEY_SIDE, top=_KEY_SIDE, bottom=_KEY_SIDE)
HEADER_FILL = "FF1F4E79"


def named_styles() -> list[NamedStyle]:
    top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    top_centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body = BODY_FONT
    bold = Font(name=FONT, size=10, bold=True, family=2)
    return [
        NamedStyle("rg title", font=Font(name=FONT, size=14, bold=True)),
        NamedStyle("rg subtitle", font=Font(name=FONT, size=11, bold=True)),
        NamedStyle("rg note", font=Font(name=FONT, size=9, italic=True, color="FF404040")),
        NamedStyle(
            "rg header",
            font=Font(name=FONT, size=10, bold=True, color="FFFFFFFF"),
            alignment=centre,
            fill=PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL),
            border=_BORDER,
        ),
        NamedStyle("rg text", font=body, alignment=top_left, border=_BORDER),
        NamedStyle("rg text 9", font=Font(name=FONT, size=9, family=2), alignment=top_left, border=_BORDER),
        NamedStyle("rg text 8", font=Font(name=FONT, size=8, family=2), alignment=top_left, border=_BORDER),
        NamedStyle("rg short", font=bold, alignment=top_centre, border=_BORDER),
        NamedStyle("rg number", font=body, alignment=top_centre, border=_BORDER, number_format="0"),
        NamedStyle("rg score", font=bold, alignment=top_centre, border=_BORDER, number_format="0"),
        NamedStyle(
            "rg key score",
            font=Font(name=FONT, size=12, bold=True),
            alignment=centre,
            border=_KEY_BORDER,
            number_format="0",
        ),
        NamedStyle(
            "rg key label", font=bold, alignment=Alignment(horizontal="right", vertical="center", wrap_text=True)
        ),
        NamedStyle("rg key scale", font=Font(name=FONT, size=9, color="FF595959"), alignment=centre, number_format="0"),
        NamedStyle("rg key axis", font=bold, alignment=centre),
        NamedStyle(
            "rg key axis vertical",
            font=bold,
            alignment=Alignment(horizontal="center", vertical="center", text_rotation=90),
        ),
        NamedStyle(
            "rg key band", font=bold, alignment=Alignment(horizontal="left", vertical="center"), border=_KEY_BORDER
        ),
        NamedStyle(
            "rg heat cell",
            font=bold,
            border=_KEY_BORDER,
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
        NamedStyle("rg change", font=bold, alignment=top_centre, border=_BORDER, number_format="+0;-0;0"),
        NamedStyle("rg heading", font=Font(name=FONT, size=11, bold=True, color=HEADER_FILL)),
        NamedStyle("rg note wrap", font=Font(name=FONT, size=9, italic=True, color="FF404040"), alignment=top_left),
        NamedStyle("rg wrap", font=body, alignment=top_left),
        NamedStyle(
            "rg card title",
            font=Font(name=FONT, size=11, bold=True, color="FFFFFFFF"),
            alignment=Alignment(horizontal="left", vertical="center", wrap_text=True),
            fill=PatternFill("solid", start_color=HEADER_FILL, end_color=HEADER_FILL),
            border=_BORDER,
        ),
        NamedStyle(
            "rg card label",
            font=bold,
            alignment=top_left,
            border=_BORDER,
            fill=PatternFill("solid", start_color="FFF2F2F2", end_color="FFF2F2F2"),
        ),
    ]


def tracking_styles() -> list[NamedStyle]:
    """The styles only a register that tracks appetite, targets or actions uses (a register
    without them keeps the workbook it had): a date, as a real Excel date."""
    return [
        NamedStyle(
            "rg date",
            font=BODY_FONT,
            alignment=Alignment(horizontal="center", vertical="top", wrap_text=True),
            border=_BORDER,
            number_format=DATE_FORMAT,
        ),
    ]


#: How a date cell shows its date: `1 Sep 2018` (a real date: it sorts and filters as one).
DATE_FORMAT = "d mmm yyyy"
#: Excel's own "light red fill with dark red text" and "yellow fill with dark yellow text":
#: a flag that asks for attention (above appetite, overdue) and one that asks less (a gap to
#: target). The word in the cell says it too, never the colour alone.
ALERT = ("FFFFC7CE", "FF9C0006")
CAUTION = ("FFFFEB9C", "FF9C5700")


def flag_rule(operator: str, value: str, colours: tuple[str, str] = ALERT) -> CellIsRule:
    """A `cellIs` rule that fills a cell (and bolds its text) when its value is `operator` `value`,
    e.g. ("equal", '"Yes"') or ("greaterThan", "0")."""
    fill, text = colours
    return CellIsRule(
        operator=operator,
        formula=[value],
        fill=PatternFill("solid", start_color=fill, end_color=fill),
        font=Font(color=text, bold=True),
    )


TEXT_STYLES = {10: "rg text", 9: "rg text 9", 8: "rg text 8"}
STYLE_OF_KIND = {
    "text": "rg text",
    "short": "rg short",
    "band": "rg short",
    "score": "rg score",
    "likelihood": "rg number",
    "impact": "rg number",
    "number": "rg number",
    "date": "rg date",
}


def argb(colour: str) -> str:
    return "FF" + colour.lstrip("#").upper()


def band_rules(bands: tuple[Band, ...]) -> list[CellIsRule]:
    """One `cellIs between` rule per band: its fill and text colour."""
    rules = []
    for b in bands:
        fill = PatternFill("solid", start_color=argb(b.colour), end_color=argb(b.colour))
        rules.append(
            CellIsRule(
                operator="between", formula=[str(b.min), str(b.max)], fill=fill, font=Font(color=argb(b.text_colour))
            )
        )
    return rules


def number_band_rules(bands: tuple[Band, ...], cell: str) -> list[FormulaRule]:
    """One expression rule per band for number cells that may be empty (the History sheet's
    quarters): a number in the band takes its colours, an empty cell (a gap) none, whatever the
    bands' lowest score (`cellIs between 0 and 4` colours an empty cell as a 0). `cell` is the
    top-left cell of the range the rules are added to, relative (`D6`)."""
    rules = []
    for b in bands:
        fill = PatternFill("solid", start_color=argb(b.colour), end_color=argb(b.colour))
        rules.append(
            FormulaRule(
                formula=[f"AND(ISNUMBER({cell}),{cell}>={b.min},{cell}<={b.max})"],
                fill=fill,
                font=Font(color=argb(b.text_colour)),
            )
        )
    return rules


def product_band_rules(bands: tuple[Band, ...], row_number: str, column_number: str) -> list[FormulaRule]:
    """One expression rule per band for cells holding text (the heat map's IDs): the cell takes
    the band of `row_number` x `column_number`, two references relative to the top-left cell of
    the range the rules are added to (e.g. `$C4` and `D$10`, the impact and likelihood scale
    numbers beside the grid). The colour follows the cell's position, not its text, so it is
    right for an empty cell and for any IDs typed into it, and it follows an edited scale number."""
    rules = []
    product = f"{row_number}*{column_number}"
    for b in bands:
        fill = PatternFill("solid", start_color=argb(b.colour), end_color=argb(b.colour))
        rules.append(
            FormulaRule(
                formula=[f"AND({product}>={b.min},{product}<={b.max})"], fill=fill, font=Font(color=argb(b.text_colour))
            )
        )
    return rules


def put_text(cell, text: str, style: str) -> None:
    """Store `text` as a string, never as a formula, whatever it starts with."""
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 40].rstrip() + "\n… (truncated: over Excel's cell limit)"
    rich = getattr(text, "rich", None)
    cell.value = rich if rich is not None else str(text)
    cell.data_type = "s"
    cell.style = style
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited, too


#: The left and right page margins, in inches.
SIDE_MARGIN = 0.4
#: The width A4 landscape leaves inside them, in pixels at 96 dpi, as column widths are measured.
PRINTABLE_PX = (297 / 25.4 - 2 * SIDE_MARGIN) * 96
#: The smallest scale a sheet is shrunk to when printed (10-point text prints at 5 points). A
#: sheet wider than that is spread over more pages across, its title columns on each.
MIN_PRINT_SCALE = 0.5


def column_px(ws: Worksheet, col: int) -> float:
    """A column's printed width in pixels (Excel's default width where none is set; none if hidden)."""
    dim = ws.column_dimensions[get_column_letter(col)]
    return 0.0 if dim.hidden else (dim.width or DEFAULT_WIDTH) * PX_PER_UNIT


def pages_across(ws: Worksheet, title_cols: int = 0) -> int:
    """The fewest pages across that print the sheet at `MIN_PRINT_SCALE` or larger, with its first
    `title_cols` columns repeated on every page."""
    px = [column_px(ws, c) for c in range(1, ws.max_column + 1)]
    page = PRINTABLE_PX / MIN_PRINT_SCALE
    if sum(px) <= page:
        return 1
    titles = sum(px[:title_cols])
    return math.ceil((sum(px) - titles) / (page - titles))


def print_setup(ws: Worksheet, title_rows: str, header: str, title_cols: int = 0) -> None:
    """A4 landscape, the header row(s) on every page, one page wide unless that would shrink the
    text below `MIN_PRINT_SCALE` (the Register's 32 columns printed at about a fifth of their
    size): then as many pages across as keep it readable, read across before down, so an
    entry's columns come out on consecutive pages, each starting with its first `title_cols`
    columns (ID, type and title)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = pages_across(ws, title_cols)
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = title_rows
    if ws.page_setup.fitToWidth > 1:
        ws.page_setup.pageOrder = "overThenDown"
        if title_cols:
            ws.print_title_cols = f"A:{get_column_letter(title_cols)}"
    ws.page_margins = PageMargins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=0.7, bottom=0.7, header=0.3, footer=0.3)
    ws.oddHeader.center.text = header[:120].replace("&", "&&")  # Excel allows 255 characters
    ws.oddHeader.center.size = 9
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.left.size = 9
    ws.oddFooter.right.text = "Page &P of &N"
    ws.oddFooter.right.size = 9


def stop_validation(ws: Worksheet, cells: list[str], title: str, error: str, blank: bool = True, **rule) -> None:
    """Data validation that refuses what breaks `rule` (openpyxl's `type`, `operator`, `formula1`
    ...) in `cells`, with `title` and `error` as Excel's message; blanks allowed unless `blank` is
    false."""
    dv = DataValidation(
        **rule, allow_blank=blank, showErrorMessage=True, errorStyle="stop", errorTitle=title, error=error
    )
    for cell in cells:
        dv.add(cell)
    ws.add_data_validation(dv)


def date_validation(ws: Worksheet, cells: list[str], title: str, error: str) -> None:
    """A date (or blank) in `cells`: Excel refuses text such as "end of March"."""
    stop_validation(ws, cells, title, error, type="date", operator="greaterThan", formula1="1")
