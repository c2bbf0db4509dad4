"""Register Markdown -> a flat list of blocks every writer can lay out.

Parsing is markdown-it-py's (CommonMark). Raw HTML is not enabled, so a
description containing `<script>` stays those characters. A single newline inside
a paragraph is kept as a line break, because that is what the officer typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False}).disable(
    [
        "code",
        "fence",
        "html_block",
        "html_inline",
        "lheading",
        "hr",
        "reference",
        "image",
        "link",
        "backticks",
        "autolink",
        "entity",
    ]
)


@dataclass(frozen=True)
class Run:
    """A stretch of text in one style. `text` may hold '\\n' for a line break."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Block:
    """A paragraph. `level` 0 is body text; 1, 2, ... are list nesting depths.

    `marker` is '•' for a bullet, '1.' etc. for a numbered item, '' for a
    continuation paragraph inside a list item or plain text. `heading` marks a
    themed sub-heading (a Markdown heading, or a paragraph that is wholly bold).
    """

    runs: tuple[Run, ...]
    level: int = 0
    marker: str = ""
    ordered: bool = False
    heading: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class _ListState:
    ordered: bool
    number: int
    fresh_item: bool = field(default=False)


BULLET = "•"


@lru_cache(maxsize=4096)
def parse(markdown: str | None) -> tuple[Block, ...]:
    """Parse register Markdown into blocks (cached: the same text is parsed once)."""
    if not markdown or not markdown.strip():
        return ()
    tokens = _md.parse(markdown)
    blocks: list[Block] = []
    lists: list[_ListState] = []
    heading = False
    for tok in tokens:
        t = tok.type
        if t in ("bullet_list_open", "ordered_list_open"):
            start = int(tok.attrGet("start") or 1)
            lists.append(_ListState(ordered=t == "ordered_list_open", number=start - 1))
        elif t in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif t == "list_item_open":
            lists[-1].number += 1
            lists[-1].fresh_item = True
        elif t == "heading_open":
            heading = True
        elif t == "heading_close":
            heading = False
        elif t == "inline":
            runs = _runs(tok.children or [])
            if not runs:
                continue
            marker, ordered = "", False
            if lists and lists[-1].fresh_item:
                state = lists[-1]
                marker = f"{state.number}." if state.ordered else BULLET
                ordered = state.ordered
                state.fresh_item = False
            whole_bold = all(r.bold for r in runs if r.text.strip())
            blocks.append(
                Block(
                    runs=runs,
                    level=len(lists),
                    marker=marker,
                    ordered=ordered,
                    heading=heading or (whole_bold and not lists),
                )
            )
    return tuple(blocks)


def _runs(children) -> tuple[Run, ...]:
    out: list[Run] = []
    bold = italic = 0
    for ch in children:
        t = ch.type
        if t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t in ("softbreak", "hardbreak"):
            out.append(Run("\n", bold > 0, italic > 0))
        elif t in ("text", "code_inline", "html_inline"):
            if ch.content:
                out.append(Run(ch.content, bold > 0, italic > 0))
        elif t == "link_open":
            pass
        elif t == "link_close":
            pass
    # merge neighbours of the same style
    merged: list[Run] = []
    for r in out:
        if merged and (merged[-1].bold, merged[-1].italic) == (r.bold, r.italic):
            merged[-1] = Run(merged[-1].text + r.text, r.bold, r.italic)
        else:
            merged.append(r)
    return tuple(merged)


def plain(markdown: str | None) -> str:
    """The text as a reader sees it: one line per paragraph, bullets as '• ' with
    two spaces of indent per nesting level (for spreadsheet cells and search)."""
    lines = []
    for b in parse(markdown):
        indent = "  " * max(b.level - 1, 0)
        prefix = f"{b.marker} " if b.marker else ("  " if b.level else "")
        lines.append(f"{indent}{prefix}{b.text}")
    return "\n".join(lines)
