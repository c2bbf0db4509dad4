"""The HTML page in a real browser: axe-core finds no WCAG 2.2 A/AA violation at desktop
(1280px) and phone (390px) widths, the page never scrolls sideways, and it requests nothing;
the Key to Scores and the heat maps fit both widths whole.

Runs tests/a11y/axe_check.js and grid_check.js (npm puppeteer-core + axe-core) against
Debian's Chromium.
Set up once with `npm ci` (or `npm install`) in tests/a11y; skipped, saying why, where
node, Chromium or those modules are absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from conftest import sample_paths
from reportgen import api

A11Y = Path(__file__).resolve().parents[2] / "a11y"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
STARTER = Path(__file__).resolve().parents[3] / "src" / "reportgen" / "starter.yaml"


def _missing() -> str | None:
    if not shutil.which("node"):
        return "node is not installed"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed ({CHROMIUM})"
    for module in ("puppeteer-core", "axe-core"):
        if not (A11Y / "node_modules" / module).is_dir():
            return f"{module} is not installed: run `npm ci` in {A11Y}"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

HOSTILE = textwrap.dedent("""\
    organisation: Test <Council> & Co
    period: Q1 2030/31
    report_date: 2030-07-01
    layout: {layout}
    risks:
      - id: R1
        title: "Title </h3><h1>x</h1>"
        description: |
          A <script>alert('x')</script> and a </td></tr> and a https://example.com/averyveryveryveryveryveryverylongaddresswithoutanybreaks/inside

          # A heading typed in a cell
        consequences: "**bold**, *italic* <img src=x onerror=alert(1)>"
        controls:
          - theme: "<em>Theme</em>"
            owner: Someone
            text: "- one\\n- two"
        current: 20
        residual: 3
        target: 9
        owner: Supercalifragilisticexpialidociousofficerwithaverylongtitle
    opportunities:
      - id: O1
        description: An opportunity
        current: 6
    """)


def run_axe(files: list[Path], script: str = "axe_check.js") -> list[dict]:
    env = dict(os.environ, CHROMIUM=CHROMIUM)
    proc = subprocess.run(
        ["node", str(A11Y / script), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=A11Y,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_no_wcag_violations_no_sideways_scroll_no_requests(tmp_path):
    pages = []
    for path in sample_paths() + [STARTER]:
        out = tmp_path / f"{path.stem}.html"
        out.write_bytes(api.render(api.load(path).register, "html"))
        pages.append(out)
    for layout in ("table", "cards"):
        reg = tmp_path / f"hostile-{layout}.yaml"
        reg.write_text(HOSTILE.format(layout=layout), encoding="utf-8")
        out = tmp_path / f"hostile-{layout}.html"
        out.write_bytes(api.render(api.load(reg).register, "html"))
        pages.append(out)
    # the appetite summary, notes and action status lines on cards (the small sample is a table)
    small = STARTER.parents[2] / "samples" / "small.yaml"
    reg = tmp_path / "small-cards.yaml"
    reg.write_text(small.read_text(encoding="utf-8").replace("\nlayout: table\n", "\nlayout: cards\n"), "utf-8")
    out = tmp_path / "small-cards.html"
    out.write_bytes(api.render(api.load(reg).register, "html"))
    pages.append(out)
    # with --previous: the changes summary and the trends (Q2 against Q1 2018/19; the card
    # register against a last quarter where Corp 1 was lower, so an up arrow shows on a card)
    samples = STARTER.parents[2] / "samples"
    cards = samples / "q3-2021-22.yaml"
    last = tmp_path / "cards-last-quarter.yaml"
    last.write_text(
        cards.read_text(encoding="utf-8")
        .replace("score: 16\n      likelihood: 4 ", "score: 12\n      likelihood: 3 ", 1)
        .replace("period: 2021/22 Q3", "period: 2021/22 Q2")
        .replace("report_date: 2022-01-01", "report_date: 2021-10-01"),
        encoding="utf-8",
    )
    for path, previous in ((samples / "q2-2018-19.yaml", samples / "q1-2018-19.yaml"), (cards, last)):
        out = tmp_path / "compared"
        written = api.build(path, out, ["html"], previous=previous).written[0]
        pages.append(written.rename(tmp_path / f"{path.stem}-vs-previous.html"))
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


def test_key_and_heat_maps_fit_a_phone_and_a_desktop_whole(tmp_path):
    """At 360px and 390px as at 1280px: no grid scrolls sideways, every likelihood heading is in view, no
    cell's content runs out of it, no word is broken across lines; the browser still exposes
    the Key as a table with the same rows and headers; a heat map's links show a focus ring."""
    pages = []
    for path in sample_paths() + [STARTER]:
        out = tmp_path / f"{path.stem}.html"
        out.write_bytes(api.render(api.load(path).register, "html"))
        pages.append(out)
    results = run_axe(pages, "grid_check.js")
    assert len(results) == 3 * len(pages)
    problems = []
    roles: dict[str, dict[int, dict]] = {}
    for r in results:
        where = f"{Path(r['file']).name} at {r['width']}px"
        assert len(r["grids"]) >= 2, where  # the Key and at least one heat map
        for g in r["grids"]:
            grid = f"{where}, {g['caption']!r}"
            if g["box"]["scrollWidth"] > g["box"]["clientWidth"]:
                problems.append(f"{grid} scrolls sideways: {g['box']}")
            if len(g["columns"]) != 5 or not all(c["visible"] for c in g["columns"]):
                problems.append(
                    f"{grid}: headings out of view: {[c['text'] for c in g['columns'] if not c['visible']]}"
                )
            if g["overflowing"]:
                problems.append(f"{grid}: content runs out of {g['overflowing']}")
            if g["broken"]:
                problems.append(f"{grid}: words broken across lines: {g['broken']}")
        roles.setdefault(r["file"], {})[r["width"]] = {
            k: v for k, v in r["roles"].items() if k in ("table", "row", "rowheader", "columnheader", "cell")
        }
        focus = r["focus"]
        if focus is not None and (focus["outlineStyle"] in ("none", "") or float(focus["outlineWidth"][:-2]) < 2):
            problems.append(f"{where}: a focused heat-map link shows no ring: {focus}")
        if focus is not None and focus["textDecoration"] != "underline":
            problems.append(f"{where}: a heat-map link is not underlined: {focus}")
    assert not problems, "\n".join(problems)
    for file, by_width in roles.items():
        assert by_width[360] == by_width[390] == by_width[1280], file
        assert by_width[390]["table"] == 1 and by_width[390]["columnheader"] == 6 and by_width[390]["cell"] == 27


def test_a_desktop_window_breaks_no_word_of_the_register_and_no_page_scrolls_sideways(tmp_path):
    """At 1280px the register's columns keep their longest words whole (the view's floors, as a
    browser's minimum widths); at no width does the page scroll sideways. Q2 2018/19 against two
    earlier quarters, with its charts, and the card and small samples."""
    pages = []
    for path in sample_paths():
        out = tmp_path / f"{path.stem}.html"
        [result] = api.build_all([path], tmp_path / path.stem, ["html"])
        out.write_bytes(result.written[0].read_bytes())
        pages.append(out)
    history = tmp_path / "history"
    q2 = next(p for p in sample_paths() if p.name == "q2-2018-19.yaml")
    q1 = next(p for p in sample_paths() if p.name == "q1-2018-19.yaml")
    [result] = api.build_all([q2], history, ["html"], previous=[q1, q1.parent / "history" / "q4-2017-18.yaml"])
    pages.append(result.written[0])
    results = run_axe(pages, "grid_check.js")
    problems = []
    for r in results:
        where = f"{Path(r['file']).parent.name}/{Path(r['file']).name} at {r['width']}px"
        if r["page"]["scrollWidth"] > r["page"]["clientWidth"]:
            problems.append(f"{where}: the page scrolls sideways ({r['page']})")
        if r["width"] == 1280:
            for reg in r["registers"]:
                if reg["broken"]:
                    problems.append(f"{where}, {reg['caption']!r}: words broken across lines: {reg['broken'][:10]}")
    assert not problems, "\n".join(problems)
