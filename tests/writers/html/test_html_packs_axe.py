"""The packs' pages in a real browser (issue 19): axe-core finds no WCAG 2.2 A/AA violation in a
summary, a deep dive, Part B or a selection at 1280px and 390px, none scrolls sideways and none
requests anything. Skipped, saying why, where node, Chromium or the npm modules are absent (see
test_html_axe.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_html_axe import _missing, run_axe

from conftest import SAMPLES
from reportgen import api
from reportgen.selection import Selection

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

Q1, Q2 = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml"


def test_pack_pages_have_no_wcag_violations_and_no_sideways_scroll(tmp_path):
    exempt = tmp_path / "exempt.yaml"
    exempt.write_text(
        Q2.read_text(encoding="utf-8").replace("  - id: CR2\n", "  - id: CR2\n    exempt: {paragraph: 3}\n", 1),
        encoding="utf-8",
    )
    runs = [
        (Q2, Q1, api.Pack("summary")),
        (SAMPLES / "small.yaml", None, api.Pack("summary")),
        (Q2, Q1, api.Pack("deep-dive", selection=Selection(ids=("CR3",)))),
        (SAMPLES / "q3-2021-22.yaml", None, api.Pack("deep-dive", selection=Selection(ids=("Corp 1",)))),
        (exempt, None, api.Pack(part="b")),
        (Q2, None, api.Pack(selection=Selection(owner="children"))),
    ]
    pages: list[Path] = []
    for n, (path, previous, pack) in enumerate(runs):
        [result] = api.build_all([path], tmp_path / str(n), ["html"], previous=previous, keep_going=False, pack=pack)
        pages.extend(result.written)
    assert any("part-b" in p.name for p in pages)
    results = run_axe(pages)
    assert len(results) == 2 * len(pages)
    problems = []
    for r in results:
        where = f"{Path(r['file']).name} at {r['width']}px"
        for v in r["violations"]:
            problems.append(f"{where}: {v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']]}")
        if r["overflow"]["scrollWidth"] > r["overflow"]["clientWidth"]:
            problems.append(f"{where}: the page scrolls sideways ({r['overflow']})")
        if r["requests"]:
            problems.append(f"{where}: requested {r['requests']}")
    assert not problems, "\n".join(problems)
