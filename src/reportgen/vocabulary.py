"""The words reportgen prints and reads back, in one place.

Every label, heading, style name and piece of wording that a writer prints and an
importer reads lives here, and both import it: rename a heading here and the Word,
PDF, HTML and Excel files print the new one and import still finds it. Wording a
committee reads (labels on a card, the trend's words) is the same in every format.

Card labels follow the council's own 2021/22 card appendix (the seed): Title Case,
"Mitigation Owner" under the actions of a risk and of an opportunity alike.
"""

from __future__ import annotations

from typing import Literal

#: A register entry is a risk or an opportunity.
Kind = Literal["risk", "opportunity"]

#: A risk or an opportunity, as a label starts: "Risk Owner", "Opportunity Description".
NOUN: dict[str, str] = {"risk": "Risk", "opportunity": "Opportunity"}
#: The register's two sections, as their headings.
SECTION_HEADINGS: dict[str, str] = {"risk": "Risks", "opportunity": "Opportunities"}

# --------------------------------------------------------------------------- headings

KEY_TO_SCORES = "Key to Scores"
SCORE_BANDS = "Score bands"
HEAT_MAPS = "Heat maps"
#: "Changes since Q1 2018/19": the summary every format opens with when built with --previous.
CHANGES_SINCE = "Changes since {period}"
#: The heat maps' list of entries that cannot be placed in a cell, and why.
SCORE_ONLY = "Score only"
SCORE_ONLY_WHY = "no likelihood and impact given, so not placed in the grid"
#: Where a register row or a card runs on to the next page, that page names it.
CONTINUED = "{id} (continued)"
#: A score a source document wrote that could not be read as one, as every format marks it.
NOT_A_SCORE = "as written, not a score"
#: The heat maps' list of entries with no score that can be placed or counted, and why.
NOT_PLACED = "Not placed"
NOT_PLACED_WHY = "no score that can be read"
NO_SCORE = "no {which} score"
#: What a heat map says it shows.
HEAT_MAP_NOTE = "Each entry's ID is in the cell of its likelihood (column) and impact (row)"
HEAT_MAP_NOTE_OPPORTUNITIES = "; opportunities are marked “(opportunity)”"
#: Headings of the document that are not register data (import skips paragraphs that start so).
NOT_DATA = (
    "page ",
    "changes since",
    "score only",
    "heat map",
    "key to scores",
    "score bands",
    "risks",
    "opportunities",
)

# --------------------------------------------------------------------------- trends

#: The symbol of each direction since last quarter (a symbol and words, never colour alone).
TREND_SYMBOLS: dict[str, str] = {"up": "▲", "down": "▼", "level": "►", "new": "★"}
TREND_UP = "Up from {previous}"
TREND_DOWN = "Down from {previous}"
TREND_LEVEL = "Level at {current}"
TREND_NEW = "New this quarter"
BETTER, WORSE = "better", "worse"
#: What a trend is prefixed with: "Since Q1 2018/19: ▼ Down from 25 (better)".
TREND_LEAD = "Since {period}:"
#: The same for a score other than the one the cell shows: "Residual since Q1 2018/19:".
TREND_LEAD_OF = "{which} since {period}:"

# --------------------------------------------------------------------------- appetite, targets and actions

#: The summary every format opens with when a register tracks appetite, targets or actions.
TRACKING_HEADING = "Appetite, targets and actions"
#: An entry against its appetite, as a symbol and words (never colour alone).
ABOVE_APPETITE = "● Above appetite"
WITHIN_APPETITE = "○ Within appetite"
APPETITE_LEVEL = "{level}, up to {tolerance}"
#: On a heat map, an entry above appetite: `CR1 (above appetite)`, `CR1: 20 (above appetite)`.
HEAT_ABOVE_APPETITE = "(above appetite)"
ABOVE_APPETITE_MARK = "{detail} (above appetite)"
#: The gap to target: how far the current score is from the plan's.
GAP_TO_TARGET = "Gap to target: {gap} ({current} now, {which} {plan})"
AT_TARGET = "At target ({which} {plan})"
#: An action's due date and status, and the flag when it is late.
ACTION_DUE = "Due {date}"
ACTION_STATUS = {"open": "Open", "in progress": "In progress", "done": "Done"}
OVERDUE = "Overdue"
REVIEW_OVERDUE = "Review overdue (due {date})"
TARGET_DATE_PASSED = "Target date passed ({date}), still above {which}"
TARGET_DATE = "Target date: {date}"
#: What the front summary's table holds (its alternative text).
TRACKING_DESCRIPTION = (
    "Entries above the council's risk appetite, gaps to target, overdue actions and reviews, and target dates passed"
)
#: The council's appetite itself, after the Key to Scores: one row a level, with its tolerance and
#: the risk types that answer to it (import reads it back into 'appetite:').
RISK_APPETITE = "Risk appetite"
APPETITE_NOTE = (
    "A risk answers to the strictest level of its types (else the default level) unless it names a level of its "
    "own, and is within appetite while its current score is no higher than that level's."
)
APPETITE_COLUMNS = ("Appetite level", "Highest current score within appetite", "Risk types at this level")
APPETITE_DEFAULT = "Any other risk type (the default)"

# --------------------------------------------------------------------------- history

#: The section of each entry's scores by quarter, when built with earlier quarters.
HISTORY_HEADING = "Scores over time"
#: An entry's scores by quarter in words (its chart's text alternative): `Current score by quarter:
#: Q4 2017/18: 25, Q1 2018/19: 20, Q2 2018/19: 20.`
HISTORY_BY_QUARTER = "{which} score by quarter: {scores}."
#: The HTML/PDF history: what it says first (how to read each entry's chart), the tables' captions,
#: and the band table's last row.
HISTORY_NOTE = (
    "Each entry's chart, under its current score, shows its scores in the quarters compared, oldest first, "
    "over the bands' colours: a solid line with dots for the current score, a dashed line with rings for the "
    "residual score, a dotted line with squares for the target score; a break in a line where it had no score."
)
HISTORY_ENTRIES_CAPTION = (
    "Each entry's scores by quarter, {span}, with their bands; {gap} where it was not in the register or had no score"
)
HISTORY_BANDS_CAPTION = "Entries with a current score in each band by quarter, {span}"
HISTORY_TOTAL = "All bands"
#: The heading of a grid drawing only the moves (where they are too many to draw over the entries).
MOVES_MAP = "Moves on the heat map: {heading}"
MOVES_MAP_CAPTION = "{heading} ({why}) by likelihood and impact, each move listed under the grid"
#: How long an entry has been in its present band.
BAND_SINCE = "{band} since {period}"
QUARTERS_IN_BAND = "{n} quarters"
THIS_QUARTER_ONLY = "this quarter"
#: Where an entry moved on the heat map since last quarter, and a current score's track to its target.
MOVED_SINCE = "Moved since {period}"
MOVED_WHY = "from last quarter's cell to this quarter's"
TARGET_TRACK = "Current to target"
TARGET_TRACK_WHY = "from the current score's cell to the target's"
MOVE = "{start} → {end}"
NOT_IN_REGISTER = "not in the register"
#: An entry of an earlier quarter not in this one's register.
CLOSED_SINCE = "Closed: last in {period}"
NO_SCORE_THEN = "no score"
#: The Word history table's last column (how long in its band, the move over the whole span), the
#: register's entries in each band by quarter (a table after it), its first column, and the mark of
#: a quarter with no score (with its words: a gap, never a zero).
HISTORY_SINCE_COLUMN = "Time in band and overall trend"
HISTORY_BAND_COUNTS = "Entries in each band"
HISTORY_BAND_COLUMN = "Band"
HISTORY_GAP = "—"
#: Which score a row of the history shows (an entry's current score, then its residual and target
#: where some quarter has one), and the column that names it.
HISTORY_SCORE_COLUMN = "Score"
HISTORY_SCORES: dict[str, str] = {"current": "Current", "residual": "Residual", "target": "Target"}

# --------------------------------------------------------------------------- packs

#: What a public document says in place of exempt information.
EXEMPT_NOTICE = "Exempt information under paragraph {paragraph} of Schedule 12A to the Local Government Act 1972"
#: Part B's line on each exempt entry, and what it says of an entry exempt whole.
EXEMPT_MARK = "Exempt information (paragraph {paragraph}): {what}"
EXEMPT_WHOLE = "the whole entry"
#: Part B's mark, on every page and the first sheet, and in its metadata.
PART_B_NOTICE = (
    "NOT FOR PUBLICATION: exempt information under {paragraphs} of Schedule 12A to the Local Government Act 1972"
)
#: What a selected document holds, in words, on its first page.
SELECT_IDS = "Entries {ids}"
SELECT_BAND = "Entries in the {band} band"
SELECT_OWNER = "Entries owned by: {owner}"
SELECT_TYPE = "Entries of type {type}"
SELECT_ABOVE_APPETITE = "Entries above appetite"
SELECT_COUNT = "{n} of {total} entries"
DEEP_DIVE = "Deep dive: {id}"
#: The summary for Cabinet.
SUMMARY_HEADING = "Summary"
BAND_COUNTS = "Entries by band"
TOP_BAND = "In the {band} band"
#: The columns of the summary's band counts and of its table of the top band's entries.
BAND_COUNT_COLUMNS = ("Band", "Scores", "Entries")
TOP_BAND_COLUMNS = ("ID", "Title", "Owner", "Current score", "Direction of travel")
#: Part B's keywords in its metadata (after the notice, in its subject).
PART_B_KEYWORDS = ("NOT FOR PUBLICATION", "Part B", "exempt information", "Schedule 12A")
#: A deep dive: its scores with their likelihood and impact, and its scores by quarter.
DIVE_SCORES = "Scores on the Key to Scores"
DIVE_SCORE_COLUMNS = ("Score", "Rating", "Likelihood", "Impact")
DIVE_SCORES_CAPTION = "{name}'s scores, each with its likelihood and impact"
#: A deep dive's score with no likelihood or impact to show.
NOT_GIVEN = "not given"
DIVE_HISTORY_COLUMNS = ("Quarter", "Current score")
#: The Word styles of the selection line under the heading and of Part B's mark in the page header
#: (import skips what is in them).
SELECTION_STYLE = "Register Selection"
PART_B_STYLE = "Register Part B Mark"
#: A deep dive: the fields its card has no place for, its scores on the Key to Scores grid (each
#: marked in its cell by a symbol and the score's name), and the label of a Part B entry's exemption.
DEEP_DIVE_MORE = "More about {id}"
DEEP_DIVE_GRID = "{id} on the Key to Scores"
GRID_MARK = "●"
EXEMPT_LABEL = "Exempt information"

# --------------------------------------------------------------------------- cards and owners

#: Labels of the card layout, with "{noun}" for Risk or Opportunity.
CARD_LABELS: dict[str, str] = {
    "id": "{noun} ID",
    "current": "Current {noun} Score",
    "target": "Target {noun} Score",
    "residual": "Residual {noun} Score",
    "description": "{noun} Description",
    "consequences": "{noun} Consequences",
    "owner": "{noun} Owner",
    "target_date": "Target date",
    "current_likelihood": "Current Likelihood",
    "current_impact": "Current Impact",
    "target_likelihood": "Target Likelihood",
    "target_impact": "Target Impact",
    "residual_likelihood": "Residual Likelihood",
    "residual_impact": "Residual Impact",
    "target_confidence": "Target {noun} Confidence",
    "types": "{noun} Type",
    "controls": "Current Controls",
    "control_owner": "Control Owner",
    "actions": "Mitigating Actions",
    "action_owner": "Mitigation Owner",
    "direction": "Direction of Travel",
    "progress": "Progress",
}
#: Where an opportunity's card says otherwise (as the seed does).
OPPORTUNITY_CARD_LABELS: dict[str, str] = {"actions": "Actions to realise"}


def card_label(kind: str, key: str) -> str:
    """A card label for a risk or an opportunity: `card_label("risk", "owner")` is "Risk Owner"."""
    text = OPPORTUNITY_CARD_LABELS.get(key) if kind == "opportunity" else None
    return (text or CARD_LABELS[key]).format(noun=NOUN[kind])


#: The line under a themed group of controls or actions in the table layout.
OWNER_LINE = "Owner: {owner}"

# --------------------------------------------------------------------------- Word styles import reads

#: The Word paragraph style of a register row's ID, which the running header names.
ENTRY_ID_STYLE = "Register Entry ID"
#: The Word paragraph style of a trend line: computed from last quarter, so import skips it.
TREND_STYLE = "Register Trend"
#: The Word paragraph style of reportgen's plain table text, one type a paragraph among it:
#: where a cell's types are in it, import takes each paragraph as one type, whatever it holds.
TABLE_TEXT_STYLE = "Register Table Text"

# --------------------------------------------------------------------------- the Excel workbook

REGISTER_SHEET = "Register"
CARDS_SHEET = "Cards"
KEY_SHEET = "Key to Scores"
HEAT_SHEET = "Heat Map"
CHANGES_SHEET = "Changes"
#: The hidden sheet recording the Register's bold and italic, for import (writers/xlsx/formatting.py).
FORMATTING_SHEET = "Formatting"
#: The Register sheet's Excel table (not the sheet's name, to keep the two namespaces apart).
REGISTER_TABLE = "RegisterTable"
#: The Register sheet's columns: what each holds (a field, `<score>.<part>`, or something computed:
#: `kind`, `<score>.rating`, `<score>.band`, `trend`, `later_trend`) and its heading. Import
#: reads a column by its heading; computed columns are not read back.
REGISTER_COLUMNS: dict[str, str] = {
    "id": "ID",
    "kind": "Type",
    "title": "Title",
    "description": "Description",
    "types": "Risk / Opportunity Type",
    "consequences": "Consequences / Benefits",
    "controls": "Current Controls",
    "controls.owner": CARD_LABELS["control_owner"],
    **{
        f"current.{part}": f"Current {part.capitalize()}"
        for part in ("score", "likelihood", "impact", "rating", "band")
    },
    "actions": "Mitigating / Maximising Actions",
    "actions.owner": CARD_LABELS["action_owner"],
    **{
        f"residual.{part}": f"Residual {part.capitalize()}"
        for part in ("score", "likelihood", "impact", "rating", "band")
    },
    **{f"target.{part}": f"Target {part.capitalize()}" for part in ("score", "likelihood", "impact", "rating", "band")},
    "target_confidence": "Target Confidence",
    "owner": "Owner",
    "target_date": "Target Date",
    "direction": "Direction of Travel",
    "trend": "Trend Since Last Quarter",
    "later_trend": "Residual / Target Trend",
    "progress": "Progress to Date",
}
#: Register columns reportgen computes: import does not read them back.
COMPUTED_COLUMNS = ("kind", "trend", "later_trend") + tuple(
    f"{which}.{part}" for which in ("current", "residual", "target") for part in ("rating", "band")
)
#: The Type column's words.
KIND_WORDS: dict[str, str] = {"risk": "Risk", "opportunity": "Opportunity"}

# --------------------------------------------------------------------------- the workbook: appetite, targets, actions

#: The sheets of a register that tracks appetite, targets or actions: the summary at the front,
#: one row per action, and the appetite the council agreed (which import reads back).
SUMMARY_SHEET = "Summary"
ACTIONS_SHEET = "Actions"
APPETITE_SHEET = "Appetite"
#: Their Excel tables (the Register's stays the first table of the workbook).
ACTIONS_TABLE = "ActionsTable"
APPETITE_LEVELS_TABLE = "AppetiteLevels"
APPETITE_TYPES_TABLE = "AppetiteByType"
#: The Register's columns for them (only in a register that tracks them): an entry's appetite
#: level and next review are data; the rest is computed, and not read back.
TRACKING_COLUMNS: dict[str, str] = {
    "appetite.level": "Appetite Level",
    "appetite.tolerance": "Appetite Tolerance",
    "appetite.above": "Above Appetite",
    "gap": "Gap to Target",
    "actions.next_due": "Next Action Due",
    "actions.overdue": "Overdue Actions",
    "review_by": "Review By",
    "review.overdue": "Review Overdue",
}
REGISTER_COLUMNS |= TRACKING_COLUMNS
COMPUTED_COLUMNS += tuple(k for k in TRACKING_COLUMNS if k not in ("appetite.level", "review_by"))
#: A flag in a column of its own, as a word (a filter button lists both).
YES, NO = "Yes", "No"
#: The Actions sheet's columns: what each holds and its heading. The entry's ID and the action's
#: number within the entry (its group's place in the Register's actions cell) match a row to its
#: group on import; due, status and (where the Register cannot tell) owner are read back.
ACTION_COLUMNS: dict[str, str] = {
    "id": "ID",
    "kind": "Type",
    "number": "Action No.",
    "theme": "Theme",
    "text": "Action",
    "owner": "Owner",
    "due": "Due",
    "status": "Status",
    "overdue": "Overdue",
}
#: The Appetite sheet's two tables and its default level.
APPETITE_LEVEL_HEADINGS = ("Level", "Tolerance")
APPETITE_TYPE_HEADINGS = ("Risk Type", "Level")
APPETITE_DEFAULT_LEVEL = "Default level"

# --------------------------------------------------------------------------- the workbook: history

#: The sheet of each entry's scores by quarter (built with --previous only), after the Register.
HISTORY_SHEET = "History"
#: Its two Excel tables: a row per entry, and the entries in each band by quarter (the chart's data).
HISTORY_TABLE = "HistoryTable"
BAND_COUNTS_TABLE = "BandsByQuarter"
#: reportgen's Excel tables that are not the register: import never takes one for it.
NOT_REGISTER_TABLES = (ACTIONS_TABLE, APPETITE_LEVELS_TABLE, APPETITE_TYPES_TABLE, HISTORY_TABLE, BAND_COUNTS_TABLE)
#: The History table's columns around the quarters (headed by the quarters' own periods).
HISTORY_COLUMNS: dict[str, str] = {
    "id": "ID",
    "kind": "Type",
    "title": "Title",
    "band_since": "In Band Since",
    "span": "Trend Over the Quarters",
}
#: The band table's heading, its first column's heading, and the chart's titles.
BAND_COUNTS_HEADING = "Entries in each band by quarter"
BAND_COLUMN = "Band"
CHART_VALUE_AXIS = "Entries"
