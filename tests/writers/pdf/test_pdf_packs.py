"""The packs in the PDF (issue 19): the summary on at most two landscape pages, a deep dive of one
entry, Part B marked on every page and in its metadata (and the public PDF nowhere), exempt text in
no byte of the public PDF, and a selection's first page saying what it holds. Read back with pypdf
and pikepdf; what to expect is read from the register files themselves."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pypdf
import pytest
from ruamel.yaml import YAML

from conftest import SAMPLES
from reportgen import api
from reportgen.selection import Selection

Q1, Q2 = SAMPLES / "q1-2018-19.yaml", SAMPLES / "q2-2018-19.yaml"
SECRET, PARTIAL = "XYLOPHONE4417", "MARMOSET9902"
MARK = "NOT FOR PUBLICATION: exempt information under paragraph 3 of Schedule 12A to the Local Government Act 1972"
#: Every sample, with its last quarter where the samples have one.
SUMMARIES = [(p, None) for p in sorted(SAMPLES.rglob("*")) if p.suffix in (".yaml", ".json")] + [
    (Q2, Q1),
    (Q1, SAMPLES / "history" / "q4-2017-18.yaml"),
]


def build(out: Path, path: Path, previous: Path | None = None, pack="register", part="a", **sel) -> list[Path]:
    [result] = api.build_all(
        [path], out, ["pdf"], previous=previous, keep_going=False, pack=api.Pack(pack, part, Selection(**sel))
    )
    return result.written


def pages(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(str(path)).pages]


def load_yaml(path: Path) -> dict:
    if path.suffix == ".json":
        import json

        return json.loads(path.read_text(encoding="utf-8"))
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def entries(path: Path) -> list[dict]:
    data = load_yaml(path)
    return list(data.get("risks") or []) + list(data.get("opportunities") or [])


def score(e: dict) -> int | None:
    v = e.get("current_score", e.get("current"))
    if isinstance(v, dict):
        return v.get("score") or (v["likelihood"] * v["impact"] if isinstance(v.get("impact"), int) else None)
    m = re.match(r"\s*(\d+)", str(v)) if v is not None else None
    return int(m.group(1)) if m else None


def every_byte(path: Path) -> bytes:
    """The file, and every stream in it decompressed, and every object as text."""
    parts = [path.read_bytes()]
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                parts.append(obj.read_bytes())
            else:
                parts.append(repr(obj).encode("utf-8", "replace"))
    return b"\n".join(parts)


@pytest.mark.parametrize("path,previous", SUMMARIES, ids=lambda p: p.stem if isinstance(p, Path) else "alone")
def test_summary_fits_two_landscape_pages_and_names_the_top_band(tmp_path, path, previous):
    [pdf] = build(tmp_path, path, previous, pack="summary")
    assert pdf.name == f"{path.stem}-summary.pdf"
    r = pypdf.PdfReader(str(pdf))
    assert 1 <= len(r.pages) <= 2
    for p in r.pages:
        assert float(p.mediabox.width) > float(p.mediabox.height)  # landscape
    text = " ".join(pages(pdf))
    scored = [(e["id"], score(e)) for e in entries(path)]
    top = max(s for _, s in scored if s is not None)
    # the highest band with an entry in it (the default Key's: 16-25, 10-15, 5-9, 1-4)
    floor = next(lo for lo in (16, 10, 5, 1) if top >= lo)
    named = [i for i, s in scored if s is not None and s >= floor]
    missing = [i for i in named if not re.search(rf"(?<![\w]){re.escape(str(i))}(?![\w])", text)]
    assert not missing
    assert "Entries by band" in text and "Heat map: current scores" in text
    assert "Key to Scores" not in text  # no register, no key


def test_summary_against_last_quarter_counts_both_and_says_what_changed(tmp_path):
    [pdf] = build(tmp_path, Q2, Q1, pack="summary")
    text = " ".join(pages(pdf))
    assert "Very high 16–25 10 (10 last quarter)" in text
    assert "High 10–15 5 (4 last quarter)" in text
    assert "Changes since Q1 2018/19" in text and "New this quarter CR12" in text
    assert pypdf.PdfReader(str(pdf)).metadata.title.startswith("Summary – Appendix A")


def test_deep_dive_holds_its_entry_alone(tmp_path):
    [pdf] = build(tmp_path, Q2, pack="deep-dive", ids=("CR3",))
    assert pdf.name == "q2-2018-19-CR3.pdf"
    texts = pages(pdf)
    text = " ".join(texts)
    assert set(re.findall(r"\bC[RO]\d+\b", text)) == {"CR3"}
    cr3 = next(e for e in entries(Q2) if e["id"] == "CR3")
    assert " ".join(cr3["description"].split()) in text
    assert "Deep dive: CR3" in texts[0]
    assert "Scores on the Key to Scores" in text and "CR3 on the Key to Scores" in text
    assert "Current Risk Score: 15: score only" in text
    assert pypdf.PdfReader(str(pdf)).metadata.title.startswith("Deep dive: CR3 – ")


@pytest.fixture(scope="module")
def exempt(tmp_path_factory) -> tuple[Path, Path]:
    """Q2 with CR2 withheld whole and CR4's controls: its public PDF and its Part B."""
    tmp = tmp_path_factory.mktemp("exempt")
    data = load_yaml(Q2)
    risks = {r["id"]: r for r in data["risks"]}
    risks["CR2"]["description"] += f" {SECRET}"
    risks["CR2"]["exempt"] = {"paragraph": 3}
    risks["CR4"]["controls"] = f"- Commercial arrangement {PARTIAL}"
    risks["CR4"]["exempt"] = {"paragraph": 3, "fields": ["controls"]}
    reg = tmp / "exempt.yaml"
    yml = YAML(typ="safe")
    yml.allow_unicode = True
    with reg.open("w", encoding="utf-8") as f:
        yml.dump(data, f)
    [public] = build(tmp / "a", reg)
    [part_b] = build(tmp / "b", reg, part="b")
    return public, part_b


def test_part_b_is_marked_on_every_page_and_in_its_metadata(exempt):
    _, part_b = exempt
    assert part_b.name == "exempt-part-b.pdf"
    texts = pages(part_b)
    assert len(texts) > 2
    assert all(MARK in t for t in texts)
    r = pypdf.PdfReader(str(part_b))
    assert r.metadata.subject.startswith(MARK)
    assert "NOT FOR PUBLICATION" in r.metadata["/Keywords"]
    with pikepdf.open(part_b) as pdf:
        xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
    assert MARK in xmp and "<pdf:Keywords>NOT FOR PUBLICATION" in xmp
    joined = " ".join(texts)
    assert SECRET in joined and PARTIAL in joined


def test_the_public_pdf_has_no_mark_and_no_byte_of_what_is_withheld(exempt):
    public, _ = exempt
    raw = every_byte(public)
    assert SECRET.encode() not in raw and PARTIAL.encode() not in raw
    texts = pages(public)
    assert not any("NOT FOR PUBLICATION" in t.upper() for t in texts)
    meta = pypdf.PdfReader(str(public)).metadata
    assert "PUBLICATION" not in (meta.subject or "").upper() and "/Keywords" not in meta
    assert b"NOT FOR PUBLICATION" not in raw.upper()
    joined = " ".join(texts)
    assert "CR2" in joined and "Exempt information under paragraph 3 of Schedule 12A" in joined


def test_a_selection_says_on_its_first_page_what_it_holds(tmp_path):
    [pdf] = build(tmp_path, Q2, owner="children")
    assert pdf.name == "q2-2018-19-owner-children.pdf"
    owned = [e["id"] for e in entries(Q2) if "children" in e.get("owner", "").lower()]
    first = pages(pdf)[0]
    assert f"Entries owned by: children; {len(owned)} of {len(entries(Q2))} entries" in first
    assert sorted(set(re.findall(r"\bCR\d+\b", " ".join(pages(pdf))))) == sorted(owned)


def test_summary_is_deterministic(tmp_path):
    one = build(tmp_path / "1", Q2, Q1, pack="summary")[0].read_bytes()
    two = build(tmp_path / "2", Q2, Q1, pack="summary")[0].read_bytes()
    assert one == two
    assert pypdf.PdfReader(io.BytesIO(one)).pages
