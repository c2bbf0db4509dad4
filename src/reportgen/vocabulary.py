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
#: The heat maps' list of entries that cannot be placed in a cell.
SCORE_ONLY = "Score only"
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

#: The Word paragraph style of a trend line: computed from last quarter, so import skips it.
TREND_STYLE = "Register Trend"
