"""The packs in the HTML page (issue 19): Part B's mark and metadata, what a selection holds, the
summary for Cabinet and a deep dive. Read back with lxml; what to expect is read from the register
files themselves (YAML), not from the view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lhtml
from ruamel.yaml import YAML

from conftest import SAMPLES
from reportgen import api
from reportgen.selection import Selection

Q1, Q2 = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml"
CARDS, SMALL = SAMPLES / "q3-2021-22.yaml", SAMPLES / "small.yaml"
SECRET, PARTIAL = "XYLOPHONE4417", "MARMOSET9902"
NOT_FOR_PUBLICATION = "NOT FOR PUBLICATION: exempt information under paragraph 3 of Schedule 12A"


def build(out: Path, path: Path, previous: Path | None = None, pack="register", part="a", **sel) -> list[Path]:
    [result] = api.build_all(
        [path], out, ["html"], previous=previous, keep_going=False, pack=api.Pack(pack, part, Selection(**sel))
    )
    return result.written


def page(path: Path):
    return lhtml.fromstring(path.read_bytes())


def text(el) -> str:
    """An element's text, its elements' and lines' texts apart (`Legal<br>Political`: two words)."""
    return " ".join(" ".join(el.itertext()).split())


def load_yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def entries(path: Path) -> list[dict]:
    data = load_yaml(path)
    return list(data.get("risks") or []) + list(data.get("opportunities") or [])


def score(e: dict) -> int | None:
    v = e.get("current_score")
    if isinstance(v, dict):
        return v.get("score")
    m = re.match(r"\s*(\d+)", str(v)) if v is not None else None
    return int(m.group(1)) if m else None


def band_of(n: int | None) -> str | None:
    """The default Key to Scores' bands (every sample here uses them)."""
    if n is None:
        return None
    return "Low" if n <= 4 else "Medium" if n <= 9 else "High" if n <= 15 else "Very high"


def exempt_register(tmp_path: Path) -> Path:
    """Q2 with CR2 withheld whole and CR4's controls and actions, each holding a marker."""
    data = load_yaml(Q2)
    risks = {r["id"]: r for r in data["risks"]}
    risks["CR2"]["description"] += f" {SECRET}"
    risks["CR2"]["exempt"] = {"paragraph": 3}
    risks["CR4"]["controls"] = f"- Commercial arrangement {PARTIAL}"
    risks["CR4"]["exempt"] = {"paragraph": 3, "fields": ["controls", "actions"]}
    path = tmp_path / "exempt.yaml"
    yml = YAML(typ="safe")
    yml.allow_unicode = True
    with path.open("w", encoding="utf-8") as f:
        yml.dump(data, f)
    return path


def assert_accessible(doc) -> None:
    """One h1, no heading level skipped; every table captioned, every header cell scoped or pointed
    at; ids unique; every link to something on the page."""
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    tables = doc.xpath("//table")
    assert all(t.find("caption") is not None for t in tables)
    ids = [e.get("id") for e in doc.xpath("//*[@id]")]
    assert len(ids) == len(set(ids)), "duplicate id"
    pointed = {h for td in doc.xpath("//td[@headers]") for h in td.get("headers").split()}
    assert pointed <= set(ids)
    for th in doc.xpath("//th"):
        assert th.get("scope") in ("col", "row") or th.get("id") in pointed, lhtml.tostring(th)
    assert all(a.get("href", "")[1:] in ids for a in doc.xpath("//a"))


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    [path] = build(tmp_path_factory.mktemp("summary"), Q2, Q1, pack="summary")
    return path


def test_summary_is_named_and_titled_as_a_summary(summary):
    doc = page(summary)
    assert summary.name == "q2-2018-19-summary.html"
    assert text(doc.find(".//h1")).endswith("Q2 2018/19 Summary")
    assert doc.findtext(".//title").startswith("Summary – Appendix A: Corporate Risk & Opportunity Register Q2 2018/19")
    assert_accessible(doc)


def test_summary_counts_entries_per_band_against_last_quarter(summary):
    doc = page(summary)
    [table] = doc.xpath("//table[caption/h2[normalize-space()='Entries by band']]")
    rows = {text(tr.find("th")): [text(td) for td in tr.findall("td")] for tr in table.xpath("tbody/tr")}
    now = [band_of(score(e)) for e in entries(Q2)]
    before = [band_of(score(e)) for e in entries(Q1)]
    for name in ("Low", "Medium", "High", "Very high"):
        assert rows[name][1] == f"{now.count(name)} ({before.count(name)} last quarter)", name
    assert rows["Very high"][0] == "16–25"


def test_summary_lists_the_top_band_with_owner_and_direction(summary):
    doc = page(summary)
    [table] = doc.xpath("//table[caption/h2[normalize-space()='In the Very high band']]")
    assert [text(th) for th in table.xpath("thead/tr/th")] == [
        "ID",
        "Title",
        "Owner",
        "Current score",
        "Direction of travel",
    ]
    rows = {text(tr.find("th")): [text(td) for td in tr.findall("td")] for tr in table.xpath("tbody/tr")}
    top = {e["id"]: e for e in entries(Q2) if band_of(score(e)) == "Very high"}
    assert list(rows) == list(top)
    for ident, e in top.items():
        assert rows[ident][1] == " ".join(e["owner"].split())
        assert rows[ident][2].startswith(str(score(e)))
    assert rows["CR12"][3].endswith("★ New this quarter")
    assert rows["CR1"][3].endswith("► Level at 20")


def test_summary_has_the_current_heat_map_and_what_changed_but_no_register(summary):
    doc = page(summary)
    maps = doc.xpath("//table[contains(@class,'matrix')]/caption")
    assert [text(c) for c in maps] == ["Current scores by likelihood and impact"]  # one map, not the Key
    [cell] = [td for td in doc.xpath("//table[contains(@class,'matrix')]//td") if "CR12" in text(td)]
    assert "16 Very high" in text(cell)
    changes = {text(tr.find("th")): text(tr.find("td")) for tr in doc.xpath("//table[contains(@class,'chg')]//tr")}
    assert changes["New this quarter"].startswith("CR12")
    assert "CR3" in changes["Score moved (largest move first)"]
    assert not doc.xpath("//table[contains(@class,'reg')] | //article")
    assert "Key to Scores" not in [text(h) for h in doc.iter("h2")]
    assert not doc.xpath("//a")  # no entry to link a heat map's ID to


def test_summary_says_how_appetite_and_actions_stand_where_the_register_tracks_them(tmp_path, summary):
    [path] = build(tmp_path, SMALL, pack="summary")
    doc = page(path)
    rows = [text(th) for th in doc.xpath("//table[contains(@class,'trk')]//th")]
    assert "Above appetite (2)" in rows and "Overdue actions (1)" in rows
    assert not page(summary).xpath("//table[contains(@class,'trk')]")  # Q2 tracks none of it


def test_deep_dive_holds_its_entry_alone_with_every_field(tmp_path):
    [path] = build(tmp_path, Q2, Q1, pack="deep-dive", ids=("CR3",))
    assert path.name == "q2-2018-19-CR3.html"
    doc = page(path)
    assert_accessible(doc)
    assert text(doc.find(".//h1")).endswith("Deep dive: CR3")
    assert doc.findtext(".//title").startswith("Deep dive: CR3 – ")
    body = text(doc.find("body"))
    assert set(re.findall(r"\bC[RO]\d+\b", body)) == {"CR3"}
    cr3 = next(e for e in entries(Q2) if e["id"] == "CR3")
    words = lambda s: re.findall(r"[A-Za-z0-9]+", s)  # noqa: E731
    got = set(words(body))
    for name in ("description", "consequences", "controls", "actions", "owner", "direction", "types"):
        value = cr3[name]
        value = " ".join(value) if isinstance(value, list) else str(value)
        assert set(words(value)) <= got, name
    # its current score by quarter
    [hist] = doc.xpath("//table[caption/h2[normalize-space()='Scores over time']]")
    assert [(text(tr.find("th")), text(tr.find("td"))) for tr in hist.xpath("tbody/tr")] == [
        ("Q1 2018/19", "25 Very high"),
        ("Q2 2018/19", "15 High"),
    ]


def grid_marks(doc) -> dict[tuple[int, int], str]:
    """The marked cells of a deep dive's grid: (likelihood, impact) -> their marks' text."""
    out = {}
    for td in doc.xpath("//table[contains(@class,'grid')]//td[strong]"):
        heads = td.get("headers").split()
        impact = next(int(m.group(1)) for h in heads if (m := re.fullmatch(r"dv1-im(\d)", h)))
        likelihood = next(int(m.group(1)) for h in heads if (m := re.fullmatch(r"dv1-lk(\d)", h)))
        out[(likelihood, impact)] = " ".join(text(s) for s in td.findall("strong"))
        assert "marked" in td.get("class").split()  # outlined as well as named
    return out


def test_deep_dive_names_its_scores_in_their_cells_of_the_key_to_scores(tmp_path):
    [path] = build(tmp_path, CARDS, pack="deep-dive", ids=("Corp 1",))
    doc = page(path)
    data = next(e for e in entries(CARDS) if e["id"] == "Corp 1")
    # Likely/Major and Possible/Moderate
    assert data["current_score"]["score"] == 16 and data["target_score"]["score"] == 9
    assert grid_marks(doc) == {(4, 4): "● Current Risk Score", (3, 3): "● Target Risk Score"}
    [caption] = doc.xpath("//table[contains(@class,'grid')]/caption")
    assert text(caption) == "Corp 1 on the Key to Scores"
    [scores] = doc.xpath("//table[contains(@class,'dsc')]")
    rows = {text(tr.find("th")): [text(td) for td in tr.findall("td")] for tr in scores.xpath("tbody/tr")}
    assert rows["Current Risk Score"] == ["16 (Major/Likely) Very high", "Likely (4)", "Major (4)"]
    assert rows["Target Risk Score"][1:] == ["Possible (3)", "Moderate (3)"]


def test_deep_dive_lists_a_bare_score_under_the_grid_never_guessed_into_a_cell(tmp_path):
    [path] = build(tmp_path, Q2, pack="deep-dive", ids=("CR3",))  # 15 and 12, no likelihood or impact
    doc = page(path)
    assert grid_marks(doc) == {}
    said = [" ".join("".join(p.itertext()).split()) for p in doc.xpath("//p[@class='only']")]
    assert [p.findtext("strong") for p in doc.xpath("//p[@class='only']")] == [
        "Current Risk Score",
        "Residual Risk Score",
    ]
    why = "score only (no likelihood and impact given, so not placed in the grid)"
    assert said == [f"Current Risk Score: 15: {why}", f"Residual Risk Score: 12: {why}"]
    [scores] = doc.xpath("//table[contains(@class,'dsc')]")
    assert [text(td) for td in scores.xpath("tbody/tr[1]/td")] == ["15 High", "not given", "not given"]


def test_part_b_is_marked_at_the_top_and_in_its_metadata_the_public_page_nowhere(tmp_path):
    reg = exempt_register(tmp_path)
    [b] = build(tmp_path / "b", reg, part="b")
    [a] = build(tmp_path / "a", reg)
    assert b.name == "exempt-part-b.html" and a.name == "exempt.html"
    doc = page(b)
    first = doc.xpath("//body//*[normalize-space(text())]")[0]
    assert text(first).startswith(NOT_FOR_PUBLICATION)
    assert doc.xpath("//meta[@name='description']/@content")[0].startswith(NOT_FOR_PUBLICATION)
    assert "NOT FOR PUBLICATION" in doc.xpath("//meta[@name='keywords']/@content")[0]
    assert "noindex" in doc.xpath("//meta[@name='robots']/@content")[0]
    raw_b = b.read_text(encoding="utf-8")
    assert SECRET in raw_b and PARTIAL in raw_b
    public = page(a)
    raw_a = a.read_text(encoding="utf-8")
    assert "not for publication" not in raw_a.lower()
    assert not public.xpath("//meta[@name='robots' or @name='keywords']")
    assert SECRET not in raw_a and PARTIAL not in raw_a
    assert "Exempt information under paragraph 3 of Schedule 12A" in text(public.find("body"))


def test_a_selection_says_on_its_first_page_what_it_holds(tmp_path):
    [path] = build(tmp_path, Q2, owner="children")
    doc = page(path)
    owned = [e["id"] for e in entries(Q2) if "children" in e.get("owner", "").lower()]
    h1 = doc.find(".//h1")
    line = h1.getnext()
    assert line.tag == "p" and "selection" in line.get("class")
    assert text(line) == f"Entries owned by: children; {len(owned)} of {len(entries(Q2))} entries"
    assert [text(th) for th in doc.xpath("//th[@class='rid']")] == owned
    assert_accessible(doc)


def test_the_whole_public_register_says_none_of_it(tmp_path):
    [path] = build(tmp_path, Q2)
    doc = page(path)
    assert not doc.xpath("//*[contains(@class,'selection') or contains(@class,'partb') or contains(@class,'pack')]")
    assert not doc.xpath("//meta[@name='robots']")
    assert doc.findtext(".//title").startswith("Appendix A: Corporate Risk")


def test_packs_are_deterministic(tmp_path):
    one = build(tmp_path / "1", Q2, Q1, pack="summary")[0].read_bytes()
    two = build(tmp_path / "2", Q2, Q1, pack="summary")[0].read_bytes()
    assert one == two
