"""Write a register model back out as YAML or JSON (the one serialiser import uses).

Only what differs from the defaults is written, in the model's field order, with
multi-line Markdown as YAML block scalars so the file reads like a hand-written one.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from .model import (
    DEFAULT_OPPORTUNITY_COLUMNS,
    DEFAULT_RISK_COLUMNS,
    Column,
    Columns,
    Entry,
    Group,
    Register,
    Score,
    Scoring,
    field_key,
    table_columns,
)
from .scoring import format_score, impact_labels, resolve_point


def _score(sc: Score | None, scoring: Scoring, kind: str) -> Any:
    if sc is None:
        return None
    if sc.likelihood is None and sc.impact is None and sc.as_written is None:
        return sc.score
    impacts = impact_labels(scoring, kind)
    lk = resolve_point(sc.likelihood, scoring.likelihood, "likelihood").number if sc.likelihood is not None else None
    im = resolve_point(sc.impact, impacts, "impact").number if sc.impact is not None else None
    if sc.as_written is None and lk and im and sc.score in (None, lk * im):
        # as committee papers print it: score (impact/likelihood)
        return format_score(lk * im, impacts[im - 1], scoring.likelihood[lk - 1])
    out: dict[str, Any] = {}
    if sc.score is not None:
        out["score"] = sc.score
    if sc.likelihood is not None:
        out["likelihood"] = sc.likelihood
    if sc.impact is not None:
        out["impact"] = sc.impact
    if sc.as_written is not None:
        out["as_written"] = sc.as_written
    return out


def _groups(groups: list[Group]) -> Any:
    if not groups:
        return None
    g0 = groups[0]
    if len(groups) == 1 and not (g0.theme or g0.owner or g0.due or g0.status):
        return g0.text
    keys = ("theme", "owner", "text", "due", "status")
    return [{k: getattr(g, k) for k in keys if getattr(g, k) is not None} for g in groups]


def entry_data(e: Entry, scoring: Scoring | None = None, kind: str = "risk") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in Entry.model_fields:
        value = getattr(e, name)
        if name in ("current", "residual", "target"):
            value = _score(value, scoring or Scoring(), kind)
        elif name in ("controls", "actions"):
            value = _groups(value)
        elif name == "exempt" and value is not None:
            value = value.model_dump(mode="python", exclude_none=True)
        if value is None or value == [] or value == "":
            continue
        out[field_key(Entry, name)] = value
    return out


def _columns(columns: Columns) -> dict[str, Any]:
    """The tables' columns as a register lists them: only the columns that differ from the
    default table, when listing those gives the same table; else every column, in order."""
    out: dict[str, Any] = {}
    for name, defaults in (("risks", DEFAULT_RISK_COLUMNS), ("opportunities", DEFAULT_OPPORTUNITY_COLUMNS)):
        cols: list[Column] = getattr(columns, name)
        plain = [Column(field=f, label=label) for f, label in defaults]
        if cols == plain:
            continue
        changed = [c for c in cols if c not in plain]
        if table_columns(changed, defaults, "risk" if name == "risks" else "opportunity") != cols:
            changed = cols
        out[name] = [c.model_dump(mode="python", exclude_defaults=True) for c in changed]
    return out


def register_data(reg: Register) -> dict[str, Any]:
    """The register as plain data, leaving out what equals the defaults."""
    out: dict[str, Any] = {}
    defaults = Register(organisation="x", period="x")
    for name in Register.model_fields:
        value = getattr(reg, name)
        if name in ("risks", "opportunities"):
            if value:
                kind = "risk" if name == "risks" else "opportunity"
                out[name] = [entry_data(e, reg.scoring, kind) for e in value]
            continue
        if name == "columns":
            if value != defaults.columns:
                out[name] = _columns(value)
            continue
        if name == "scoring":
            if value != defaults.scoring:
                out[name] = value.model_dump(mode="python")
            continue
        if name == "appetite":
            if value is not None:
                out[name] = value.model_dump(mode="python", exclude_none=True)
            continue
        if name not in ("organisation", "title", "period", "appendix", "layout") and value == getattr(defaults, name):
            continue
        if value is not None:
            out[name] = value
    return out


def _blockify(node: Any) -> Any:
    if isinstance(node, str) and "\n" in node:
        return LiteralScalarString(node.rstrip("\n") + "\n")
    if isinstance(node, dict):
        return {k: _blockify(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_blockify(v) for v in node]
    return node


def to_yaml(reg: Register, header: str | None = None) -> str:
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    if header:
        buf.write("".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()))
    yaml.dump(_blockify(register_data(reg)), buf)
    return buf.getvalue()


def to_json(reg: Register) -> str:
    def default(o: Any) -> Any:
        if isinstance(o, dt.date):
            return o.isoformat()
        raise TypeError(type(o).__name__)

    return json.dumps(register_data(reg), indent=2, ensure_ascii=False, default=default) + "\n"


__all__ = ["to_yaml", "to_json", "register_data", "entry_data", "Columns", "Scoring"]
