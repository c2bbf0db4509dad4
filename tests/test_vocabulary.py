"""The vocabulary: one place for what writers print and importers read. Renaming a heading there
changes every format, and the documents still import: no writer or importer has its own copy."""

from __future__ import annotations

import docx
import openpyxl
import pytest

from conftest import SAMPLES
from reportgen import api, vocabulary
from test_import_docx import assert_round_trip

CARDS = SAMPLES / "q3-2021-22.yaml"
TABLE = SAMPLES / "q2-2018-19.yaml"


@pytest.fixture
def renamed(monkeypatch):
    """Headings renamed as a council might: a card's owner, its control owners, an Excel column."""
    monkeypatch.setitem(vocabulary.CARD_LABELS, "owner", "{noun} Lead Officer")
    monkeypatch.setitem(vocabulary.CARD_LABELS, "control_owner", "Controls Lead")
    monkeypatch.setitem(vocabulary.CARD_LABELS, "id", "{noun} Reference")
    monkeypatch.setitem(vocabulary.REGISTER_COLUMNS, "controls", "Controls In Place")
    monkeypatch.setitem(vocabulary.REGISTER_COLUMNS, "current.score", "Score Now")
    monkeypatch.setattr(vocabulary, "OWNER_LINE", "Led by: {owner}")


def test_every_format_prints_the_renamed_headings(renamed, tmp_path):
    out = api.build(CARDS, tmp_path, ["docx", "xlsx", "html"])
    words = " ".join(p.text for t in docx.Document(str(tmp_path / "q3-2021-22.docx")).tables for p in _paras(t))
    assert "Risk Lead Officer" in words and "Controls Lead" in words and "Risk Reference Corp 1" in words
    assert "Risk Owner" not in words and "Control Owner" not in words
    html = (tmp_path / "q3-2021-22.html").read_text(encoding="utf-8")
    assert "Risk Lead Officer" in html and "Risk Owner" not in html
    wb = openpyxl.load_workbook(str(tmp_path / "q3-2021-22.xlsx"))
    headers = [c.value for c in wb[vocabulary.REGISTER_SHEET][5]]
    assert "Controls In Place" in headers and "Score Now" in headers and "Current Controls" not in headers
    assert len(out.written) == 3


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
@pytest.mark.parametrize("path", [CARDS, TABLE], ids=["cards", "table"])
def test_renamed_headings_still_import(renamed, path, fmt, tmp_path):
    assert_round_trip(path, fmt, tmp_path)


def test_card_labels_are_the_same_words_for_every_kind():
    assert vocabulary.card_label("risk", "owner") == "Risk Owner"
    assert vocabulary.card_label("opportunity", "owner") == "Opportunity Owner"
    assert vocabulary.card_label("opportunity", "actions") == "Actions to realise"
    # the seed prints "Mitigation Owner" under an opportunity's actions as well
    assert vocabulary.card_label("opportunity", "action_owner") == vocabulary.card_label("risk", "action_owner")


def _paras(table):
    for row in table.rows:
        for cell in row.cells:
            yield from cell.paragraphs
