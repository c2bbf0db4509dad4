"""A long unbroken word (a pasted token, a link hundreds of characters long) is typeset in
time linear in its length, whole, and without breaking any ordinary word.

No timing here (bench/run.py --long-word measures the seconds): the work is counted as the
characters WeasyPrint hands Pango to lay out, which does not depend on the machine."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pypdf

from reportgen import api
from reportgen.writers import pdf
from reportgen.writers.pdf.longruns import LONG_RUN, ZWSP, break_long_runs

ALPHABET = "QZX"  # (no other text of the register below has these capitals)


def long_word(n: int) -> str:
    return (ALPHABET * (n // len(ALPHABET) + 1))[:n]


def register(tmp_path: Path, word: str, entries: int = 1) -> Path:
    risks = [
        {"id": f"CR{i + 1}", "description": f"A token: {word} and more", "current_score": 12, "owner": "Director"}
        for i in range(entries)
    ]
    reg = {
        "organisation": "Long Word Council",
        "period": "Spring 2027",
        "report_date": "2027-04-01",
        "risks": risks,
    }
    path = tmp_path / f"long-{len(word)}.json"
    path.write_text(json.dumps(reg), encoding="utf-8")
    return path


def laid_out(monkeypatch, path: Path) -> int:
    """The characters of text WeasyPrint asks Pango to lay out, typesetting `path`'s PDF in this process."""
    pdf.workarounds.import_weasyprint()
    from weasyprint.text.line_break import Layout

    count = [0]
    set_text = Layout.set_text

    def counting(self, text, *args, **kwargs):
        count[0] += len(text)
        return set_text(self, text, *args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(pdf, "_cores", lambda: 1)
        m.setattr(Layout, "set_text", counting)
        api.render(api.load(path).register, "pdf")
    return count[0]


def test_the_work_of_typesetting_a_long_word_grows_linearly(tmp_path, monkeypatch):
    short = laid_out(monkeypatch, register(tmp_path, long_word(2_000)))
    long = laid_out(monkeypatch, register(tmp_path, long_word(8_000)))
    # Four times the word, about four times the work (it was sixteen: each line laid out the rest of the word).
    assert long / short < 5, (short, long)


def test_a_word_of_32750_characters_is_in_the_pdf_whole(tmp_path):
    word = long_word(32_767 - len("A token:  and more"))  # (a cell of a spreadsheet holds 32,767)
    result = api.build(register(tmp_path, word), tmp_path / "out", "pdf")
    r = pypdf.PdfReader(io.BytesIO(result.written[0].read_bytes()))
    text = "\n".join(p.extract_text() or "" for p in r.pages)
    assert "".join(re.findall(f"[{ALPHABET}]+", text)) == word
    assert ZWSP not in text
    assert re.search(r"A\s+token:", text) and re.search(r"and\s+more", text)
    # A page of the description column holds a couple of thousand characters of it.
    assert 4 <= len(r.pages) <= 40, len(r.pages)


# --------------------------------------------------------------------------- break_long_runs


def page(body: str) -> str:
    return f'<html><head><title>{"T" * 300}</title><style>p{{x:1}}</style></head><body class="b">{body}</body></html>'


def test_words_and_runs_up_to_the_limit_are_left_alone():
    text = "Organisational " + "x" * LONG_RUN + " " + "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"
    assert break_long_runs(page(f"<p>{text}</p>")) == page(f"<p>{text}</p>")


def test_a_longer_run_may_break_between_any_two_characters():
    run = "ab" * LONG_RUN
    out = break_long_runs(page(f"<p>before {run} after</p>"))
    assert f"<p>before {ZWSP.join(run)} after</p>" in out
    assert out.startswith(page("")[: page("").index("<body")])  # the head (its title) is untouched


def test_entities_tags_and_clusters_stay_whole():
    run = "&amp;" + "e\u0301" * LONG_RUN + "\U0001f1ec\U0001f1e7" + "\U0001f469\u200d\U0001f4bb" + "\u263a\ufe0f"
    out = break_long_runs(page(f'<p title="{"y" * 300}">{run}</p>'))
    body = out[out.index("<body") :]
    assert f'title="{"y" * 300}"' in body  # attributes are not text
    text = re.search(r"<p[^>]*>(.*)</p>", body).group(1)
    assert text.replace(ZWSP, "") == run
    pieces = text.split(ZWSP)
    assert pieces[0] == "&amp;"
    assert "e\u0301" in pieces and "\U0001f1ec\U0001f1e7" in pieces
    assert "\U0001f469\u200d\U0001f4bb" in pieces and "\u263a\ufe0f" in pieces


def test_scripts_written_without_spaces_are_left_to_their_own_breaks():
    text = "漢字" * LONG_RUN + "ภาษาไทย" * 60
    assert break_long_runs(page(f"<p>{text}</p>")) == page(f"<p>{text}</p>")
