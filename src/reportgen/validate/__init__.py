"""Check a register against its own Key to Scores and the rules a committee expects.

`check` resolves every likelihood/impact label to its number and fills in a score from
likelihood x impact (`resolve`), so the view and writers see numbers only, and runs each
rule of `rules.RULES` in turn. Errors stop a build; warnings are printed and the build goes on.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, RegisterError
from ..model import Register
from ..reader import Loaded
from .colour import contrast
from .context import Context
from .rules import MAX_CELL_CHARS, RULES

__all__ = ["check", "contrast", "MAX_CELL_CHARS", "RULES", "Context"]


def check(loaded: Loaded) -> tuple[Register, list[Diagnostic]]:
    """Validate a loaded register. Returns the register with scores resolved to numbers and
    the warnings; raises `RegisterError` (errors and warnings together) if anything is wrong."""
    ctx = Context.of(loaded)
    found = [d for rule in RULES for d in rule(ctx)]
    found.sort(key=lambda d: (d.line or 0, d.column or 0))
    if any(d.severity == "error" for d in found):
        raise RegisterError(found)
    return ctx.resolution.register, found
