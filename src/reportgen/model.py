"""The register model: the contract every reader produces and every writer reads.

Pure data. Nothing here reads files, knows a writer, or resolves labels against a
scoring scheme (that is `validate`'s job); the model only describes what a
register may hold and its shapes.
"""

from __future__ import annotations

import datetime as _dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, field_validator

from . import scoring
from . import vocabulary as words

RichText = Annotated[
    str,
    Field(
        description=(
            "Rich text written as Markdown: paragraphs, '- ' bullets, nested bullets "
            "(indent two spaces), **bold**, *italic* and **Theme** lines as sub-headings."
        )
    ),
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --------------------------------------------------------------------------- scores


def _to_point(value: Any) -> Any:
    """A likelihood or impact is a whole number or text: `true` and `2.0` are refused, not read as 1 and 2."""
    problem = scoring.point_value_problem(value)
    if problem:
        raise ValueError(problem)
    return value


ScaleValue = Annotated[
    int | str,
    BeforeValidator(_to_point),
    Field(description="A point on the scale: its number (1-5) or its label, e.g. 4 or 'Likely'."),
]


class Score(_Model):
    """A score: a number, likelihood x impact, or both (they must then agree)."""

    score: StrictInt | None = Field(None, description="The score, likelihood x impact (1-25 on the default scheme).")
    likelihood: ScaleValue | None = Field(None, description="Likelihood, by number or label (e.g. 3 or 'Possible').")
    impact: ScaleValue | None = Field(None, description="Impact, by number or label (e.g. 4 or 'Major').")
    as_written: str | None = Field(
        None,
        description="The score exactly as a source document wrote it, kept when it could not be read "
        "(e.g. '(Major/' with the number lost); shown as written, never guessed.",
    )


def _to_score(value: Any) -> Any:
    """A whole number or text as a Score; a mapping is validated as one, and anything else is
    left for the model to refuse (a yes/no, a decimal or a list is not a score)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Score(score=value)
    if not isinstance(value, str):
        return value
    parsed = scoring.parse_score_text(value)
    if parsed is None:
        raise ValueError(scoring.score_text_problem(value))
    return Score(score=parsed.score, impact=parsed.impact, likelihood=parsed.likelihood)


ScoreField = Annotated[
    Score | None,
    BeforeValidator(_to_score, json_schema_input_type=Score | int | str | None),
    Field(
        description="A score: a number (20), a number with labels ('12 (Major/Possible)', impact/likelihood), "
        "or a mapping of score, likelihood and impact."
    ),
]


# --------------------------------------------------------------------------- entries


ActionStatus = Literal["open", "in progress", "done"]


class Group(_Model):
    """A themed group of controls or actions, with the officer who owns it; an action may carry
    its due date and status."""

    theme: str | None = Field(None, description="Sub-heading of the group, e.g. 'Commercialisation'.")
    owner: str | None = Field(None, description="Control or mitigation owner of this group.")
    text: RichText = Field("", description="The controls or actions themselves, as Markdown.")
    due: _dt.date | None = Field(None, description="When the action is due (YYYY-MM-DD).")
    status: ActionStatus | None = Field(None, description="The action's status: open, in progress or done.")


def _to_groups(value: Any) -> Any:
    """A plain Markdown string stands for one group without theme or owner."""
    if isinstance(value, str):
        return [Group(text=value)] if value.strip() else []
    return value


Groups = Annotated[list[Group] | str, AfterValidator(_to_groups)]


def _iso_date(value: Any) -> Any:
    """A date written as text, `2026-12-31` (JSON has no dates; a quoted YAML date), is a date, as
    YAML's own is; any other text stays as written."""
    if isinstance(value, str) and len(value.strip()) == 10 and value.strip()[4::3] == "--":
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
    return value


#: The fields of an entry a register may mark exempt (all but its ID).
ExemptField = Literal[
    "title",
    "description",
    "types",
    "consequences",
    "controls",
    "current",
    "actions",
    "residual",
    "target",
    "target_confidence",
    "owner",
    "target_date",
    "direction",
    "progress",
    "appetite",
    "review_by",
    "current_score",
    "residual_score",
    "target_score",
]


class Exempt(_Model):
    """Exempt information under Schedule 12A to the Local Government Act 1972: withheld from the
    public documents (Part A) and kept in the exempt ones (Part B, `--part b`)."""

    paragraph: int = Field(description="The paragraph of Schedule 12A (1-7) the information falls under.", ge=1, le=7)
    fields: list[ExemptField] | None = Field(
        None,
        description="The fields withheld; without it, the whole entry but its ID and title (scores and the "
        "heat-map position too).",
    )


class Entry(_Model):
    """One risk or opportunity, with every field the seed registers use. Any may be blank."""

    id: str = Field(description="Identifier as printed, e.g. 'CR3', 'Corp 4', 'CO1'.", min_length=1)
    title: str | None = Field(None, description="Short title (the card layout's heading).")
    description: RichText | None = Field(None, description="Description of the risk or opportunity.")
    types: list[str] = Field(default_factory=list, description="Risk/opportunity types, e.g. ['Economic', 'Social'].")
    consequences: RichText | None = Field(
        None, description="Possible consequences (risks) or possible benefits (opportunities)."
    )
    controls: Groups = Field(
        default_factory=list, description="Current controls, optionally grouped by theme with owners."
    )
    # Written `current_score`, `residual_score`, `target_score` in a register file (the
    # aliases); `current`, `residual`, `target` are accepted too and are the names in code.
    current: ScoreField = Field(
        None, alias="current_score", title="Current Score", description="Current (inherent) score."
    )
    actions: Groups = Field(
        default_factory=list,
        description="Mitigating actions (risks) or maximising actions / actions to realise (opportunities), grouped.",
    )
    residual: ScoreField = Field(
        None,
        alias="residual_score",
        title="Residual Score",
        description="Residual score after the actions (table layout).",
    )
    target: ScoreField = Field(
        None, alias="target_score", title="Target Score", description="Target score (card layout)."
    )
    target_confidence: str | None = Field(None, description="Confidence that the target will be met.")
    owner: str | None = Field(None, description="Risk or opportunity owner.")
    target_date: Annotated[_dt.date | str | None, BeforeValidator(_iso_date)] = Field(
        None,
        description="When the target should be reached: a date (YYYY-MM-DD), or as written, e.g. 'March 2022'.",
    )
    direction: RichText | None = Field(None, description="Direction of travel, as the officer wrote it.")
    progress: RichText | None = Field(None, description="Progress to date.")
    appetite: str | None = Field(
        None, description="This entry's own appetite level (a level named under 'appetite: levels'), if not its types'."
    )
    review_by: _dt.date | None = Field(None, description="When the entry's next review is due (YYYY-MM-DD).")
    exempt: Exempt | None = Field(
        None, description="Exempt information: withheld from the public documents, kept in Part B."
    )


# --------------------------------------------------------------------------- scheme

DEFAULT_LIKELIHOOD = ["Rare", "Unlikely", "Possible", "Likely", "Certain"]
DEFAULT_IMPACT = ["Insignificant", "Minor", "Moderate", "Major", "Catastrophic"]
DEFAULT_OPPORTUNITY_IMPACT = ["Insignificant", "Minor", "Moderate", "Major", "Outstanding"]


class Band(_Model):
    """A named range of scores, shaded in one colour."""

    name: str = Field(description="Band name shown beside the score, e.g. 'High'.")
    min: int = Field(description="Lowest score in the band (inclusive).")
    max: int = Field(description="Highest score in the band (inclusive).")
    colour: str = Field(description="Fill colour as #RRGGBB.", pattern=r"^#[0-9A-Fa-f]{6}$")
    text_colour: str = Field(
        "#000000", description="Text colour on that fill, as #RRGGBB.", pattern=r"^#[0-9A-Fa-f]{6}$"
    )


def _default_bands() -> list[Band]:
    # Colours chosen to give black text at least WCAG AA (4.5:1) contrast.
    return [
        Band(name="Low", min=1, max=4, colour="#9BD39B"),
        Band(name="Medium", min=5, max=9, colour="#FFE066"),
        Band(name="High", min=10, max=15, colour="#FFB066"),
        Band(name="Very high", min=16, max=25, colour="#FF8A80"),
    ]


class Scoring(_Model):
    """The Key to Scores: scales, and bands of score = likelihood x impact."""

    likelihood: list[str] = Field(
        default_factory=lambda: list(DEFAULT_LIKELIHOOD), description="Likelihood labels, lowest (1) first."
    )
    impact: list[str] = Field(
        default_factory=lambda: list(DEFAULT_IMPACT), description="Impact labels for risks, lowest (1) first."
    )
    opportunity_impact: list[str] = Field(
        default_factory=lambda: list(DEFAULT_OPPORTUNITY_IMPACT),
        description="Impact labels for opportunities, lowest (1) first.",
    )
    bands: list[Band] = Field(default_factory=_default_bands, description="Score bands, covering every possible score.")


# --------------------------------------------------------------------------- columns

FieldName = Literal[
    "id",
    "title",
    "description",
    "types",
    "consequences",
    "controls",
    "current",
    "actions",
    "residual",
    "target",
    "target_confidence",
    "owner",
    "target_date",
    "direction",
    "progress",
]


class Column(_Model):
    """One column of the table layout: which field, under which heading, and whether it is shown."""

    field: FieldName = Field(description="The entry field shown in this column.")
    label: str | None = Field(
        None,
        description="Column heading as printed. Left out: the default column's heading, or for another "
        "field its card label (e.g. 'Target Risk Score').",
    )
    show: bool = Field(True, description="false leaves this column out of the table.")


def _cols(pairs: list[tuple[str, str]]) -> list[Column]:
    return [Column(field=f, label=label) for f, label in pairs]


DEFAULT_RISK_COLUMNS = [
    ("id", "Risk Identification Number (RIN)"),
    ("description", "Description"),
    ("types", "Risk Type"),
    ("consequences", "Possible Risk Consequences"),
    ("controls", "Current Controls"),
    ("current", "Risk Score"),
    ("actions", "Mitigating Actions"),
    ("residual", "Residual Score"),
    ("owner", "Risk Owner"),
    ("direction", "Direction of Travel"),
]
DEFAULT_OPPORTUNITY_COLUMNS = [
    ("id", "Opportunity Identification Number"),
    ("description", "Opportunity Description"),
    ("types", "Opportunity Type"),
    ("consequences", "Possible Benefits"),
    ("progress", "Progress to date"),
    ("current", "Opportunity Score"),
    ("actions", "Maximising Actions"),
    ("residual", "Residual Opportunity Score"),
    ("owner", "Opportunity Owner"),
    ("direction", "Direction of Travel"),
]


def table_columns(listed: list[Column], defaults: list[tuple[str, str]], kind: str) -> list[Column]:
    """The columns of a table, from the columns a register lists and the default table.

    A list naming only some fields changes only those: a default column listed takes the label
    given (and `show`), in its own place; a field that is not a default column is added after the
    defaults, in the order listed; every other default column stays as it is. A list naming every
    default column is the whole table, in the order listed (the way to reorder it). `show: false`
    leaves a column out. Every column comes back with its label."""
    seen: set[str] = set()
    for c in listed:
        if c.field in seen:
            raise ValueError(f"the '{c.field}' column is listed twice; list each field once")
        seen.add(c.field)
    names = dict(defaults)
    if set(names) <= seen:
        table = list(listed)
    else:
        given: dict[str, Column] = {c.field: c for c in listed}
        table = [given.get(f) or Column(field=f, label=label) for f, label in defaults]
        table += [c for c in listed if c.field not in names]
    return [
        c if c.label else c.model_copy(update={"label": names.get(c.field) or column_label(kind, c.field)})
        for c in table
    ]


def column_label(kind: str, fname: str) -> str:
    """A heading for a field that is not a default column: its card label ("Target Risk Score")."""
    if fname in words.CARD_LABELS:
        return words.card_label(kind, fname)
    return fname.replace("_", " ").capitalize()


def _columns_help(which: str) -> str:
    return (
        f"Columns of the {which} table. List only the columns to change or add: a default column listed "
        "takes the label given, in its own place; any other field is added after the default columns, "
        "which all stay; 'show: false' leaves a column out. A list naming every default column is the "
        "whole table, in the order listed."
    )


class Columns(_Model):
    """Column headings of the table layout, for the risk table and the opportunity table: each list
    changes the default table (the columns it names), never replaces it by accident."""

    risks: list[Column] = Field(
        default_factory=lambda: _cols(DEFAULT_RISK_COLUMNS),
        description=_columns_help("risk"),
        json_schema_extra={"default": [{"field": f, "label": label} for f, label in DEFAULT_RISK_COLUMNS]},
    )
    opportunities: list[Column] = Field(
        default_factory=lambda: _cols(DEFAULT_OPPORTUNITY_COLUMNS),
        description=_columns_help("opportunity"),
        json_schema_extra={"default": [{"field": f, "label": label} for f, label in DEFAULT_OPPORTUNITY_COLUMNS]},
    )

    @field_validator("risks")
    @classmethod
    def _risk_table(cls, listed: list[Column]) -> list[Column]:
        return table_columns(listed, DEFAULT_RISK_COLUMNS, "risk")

    @field_validator("opportunities")
    @classmethod
    def _opportunity_table(cls, listed: list[Column]) -> list[Column]:
        return table_columns(listed, DEFAULT_OPPORTUNITY_COLUMNS, "opportunity")


# --------------------------------------------------------------------------- appetite


class AppetiteLevel(_Model):
    """A level of risk appetite: the highest score it tolerates."""

    name: str = Field(description="The level's name, e.g. 'Cautious'.", min_length=1)
    tolerance: int = Field(description="The highest current score within this appetite (1-25).")


def _default_levels() -> list[AppetiteLevel]:
    # HM Treasury's Risk Appetite Guidance names these five levels; the tolerances are a
    # default on the 5x5 Key to Scores, for a council to replace with its own.
    return [
        AppetiteLevel(name="Averse", tolerance=4),
        AppetiteLevel(name="Minimal", tolerance=6),
        AppetiteLevel(name="Cautious", tolerance=9),
        AppetiteLevel(name="Open", tolerance=12),
        AppetiteLevel(name="Eager", tolerance=16),
    ]


class Appetite(_Model):
    """The council's agreed risk appetite: levels, the level for each risk type, and a default."""

    levels: list[AppetiteLevel] = Field(
        default_factory=_default_levels, description="The levels, lowest first, each with the score it tolerates."
    )
    by_type: dict[str, str] = Field(
        default_factory=dict, description="A risk type (an entry's `types`, any case) and its level's name."
    )
    default: str | None = Field(None, description="The level of a risk whose types are not listed under by_type.")


# --------------------------------------------------------------------------- register


class Register(_Model):
    """A council's risk & opportunity register for one period."""

    organisation: str = Field(description="Council or body, e.g. 'Lancashire County Council'.", min_length=1)
    title: str = Field("Corporate Risk & Opportunity Register", description="Register title.")
    period: str = Field(description="Reporting period, e.g. 'Q2 2018/19'.", min_length=1)
    appendix: str | None = Field("Appendix A", description="Appendix label in the committee pack.")
    report_date: _dt.date | None = Field(
        None, description="Date of the report (YYYY-MM-DD); also used as the documents' date."
    )
    layout: Literal["table", "cards"] = Field(
        "table", description="'table' (one row per entry, ten columns) or 'cards' (one block per entry)."
    )
    columns: Columns = Field(default_factory=Columns, description="Column headings of the table layout.")
    scoring: Scoring = Field(default_factory=Scoring, description="The Key to Scores.")
    appetite: Appetite | None = Field(None, description="The council's agreed risk appetite (optional).")
    risks: list[Entry] = Field(default_factory=list, description="The risks, in the order printed.")
    opportunities: list[Entry] = Field(default_factory=list, description="The opportunities, in the order printed.")


SCORE_FIELDS = ("current", "residual", "target")


def field_key(model: type[BaseModel], name: str) -> str:
    """The name a register file uses for a field (its alias, if it has one)."""
    info = model.model_fields[name]
    return info.alias or name


def file_keys(model: type[BaseModel]) -> list[str]:
    """The field names a register file may use for `model`, as written."""
    return [field_key(model, n) for n in model.model_fields]
