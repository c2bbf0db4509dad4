"""Library work-around: stop laying out a table row WeasyPrint is going to move to the next page.

A register row may not be split across pages (`break-inside: avoid`) unless it is taller
than a page. WeasyPrint 70 (`layout/table.py`, `group_layout`) lays out every cell of a
row down to the foot of the page, and only then sees that a cell did not fit and starts
the row again on the next page. Rows of a register are long (often most of a page), so
that lays out most of a row's cells for nothing on nearly every page: about a sixth of
a long table's typesetting.

Once one cell of such a row has not fitted (and the page already holds something, which
is when WeasyPrint gives the row up), the row's remaining cells are answered "nothing
fits" without being laid out; WeasyPrint discards the row's cells either way, so the
pages, and the PDF's bytes, are the same (a test compares them). The row being laid out
is known from `resolve_percentages`, which `group_layout` calls on each row before its
cells; the cells are laid out by `block_container_layout`, which `table_layout` imports
from `layout/block.py` when it runs. If WeasyPrint changes shape, nothing is patched.
"""

from __future__ import annotations


class _Row:
    row = None  # the row whose cells are being laid out
    given_up = None  # that row, once a cell of it has not fitted
    skipped = 0  # cells not laid out (for the tests)


STATE = _Row()


def give_up_rows_early() -> None:
    import weasyprint.layout.block as block
    import weasyprint.layout.table as table
    from weasyprint.formatting_structure.boxes import TableCellBox, TableRowBox

    layout = getattr(block, "block_container_layout", None)
    resolve = getattr(table, "resolve_percentages", None)
    avoid = getattr(block, "avoid_page_break", None)
    if layout is None or resolve is None or avoid is None or getattr(layout, "_reportgen", False):
        return

    def resolve_row_first(box, *args, **kwargs):
        if isinstance(box, TableRowBox):
            STATE.row = box
            STATE.given_up = None
        return resolve(box, *args, **kwargs)

    def cell_layout(context, box, bottom_space, skip_stack, page_is_empty, *args, **kwargs):
        row = STATE.row
        if (page_is_empty or row is None or not isinstance(box, TableCellBox)
                or not any(cell is box for cell in row.children)):
            return layout(context, box, bottom_space, skip_stack, page_is_empty, *args, **kwargs)
        if STATE.given_up is row:
            STATE.skipped += 1
            return None, None, {"break": "any", "page": None}, [], False, None
        out = layout(context, box, bottom_space, skip_stack, page_is_empty, *args, **kwargs)
        # As group_layout decides: a cell placed nothing or ran over, on a page that holds
        # something, in a row (or cell) that avoids breaks inside: the row goes to the next page.
        if (out[0] is None or out[1] is not None) and (
                avoid(row.style["break_inside"], context)
                or any(avoid(cell.style["break_inside"], context) for cell in row.children)):
            STATE.given_up = row
        return out

    cell_layout._reportgen = True  # type: ignore[attr-defined]
    block.block_container_layout = cell_layout
    table.resolve_percentages = resolve_row_first
