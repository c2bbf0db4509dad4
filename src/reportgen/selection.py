"""Which entries a document holds: the build's filters, in words and in its files' names.

Kept apart from `packs` (which needs the model) so the command can read its options before
pydantic and the writers' libraries are imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import vocabulary as words


@dataclass(frozen=True)
class Selection:
    """Which entries a document holds: `--ids`, `--band`, `--owner` (any case, part of the name),
    `--type` and `--above-appetite`, combined (an entry must meet every one given)."""

    ids: tuple[str, ...] = ()
    band: str | None = None
    owner: str | None = None
    type: str | None = None
    above_appetite: bool = False

    @property
    def empty(self) -> bool:
        return not (self.ids or self.band or self.owner or self.type or self.above_appetite)

    def describe(self) -> str:
        """`Risks owned by: children`, in words, for the document's first page."""
        parts = []
        if self.ids:
            parts.append(words.SELECT_IDS.format(ids=", ".join(self.ids)))
        if self.band:
            parts.append(words.SELECT_BAND.format(band=self.band))
        if self.owner:
            parts.append(words.SELECT_OWNER.format(owner=self.owner))
        if self.type:
            parts.append(words.SELECT_TYPE.format(type=self.type))
        if self.above_appetite:
            parts.append(words.SELECT_ABOVE_APPETITE)
        return "; ".join(parts)

    def slug(self) -> str:
        """What the files of this selection are named after (never the full register's name)."""
        parts = []
        if self.ids:
            parts.append("-".join(self.ids))
        for prefix, value in (("band", self.band), ("owner", self.owner), ("type", self.type)):
            if value:
                parts.append(f"{prefix}-{value}")
        if self.above_appetite:
            parts.append("above-appetite")
        return re.sub(r"[^A-Za-z0-9]+", "-", "-".join(parts)).strip("-").lower() or "selection"
