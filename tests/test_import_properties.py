"""Property test: any register built to .docx or .xlsx imports back as the same register."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen import importers, view
from reportgen.model import Entry, Group, Register, Score
from reportgen.writers import Options, available
from test_import_docx import _comparable

word = st.from_regex(r"[A-Z][a-z]{1,8}|[a-z]{2,9}|£[0-9]{1,3}m|20[0-9]{2}/[0-9]{2}", fullmatch=True)
phrase = st.lists(word, min_size=1, max_size=7).map(" ".join)
# A type may hold '/', ',' or ';' ("Health/Safety"): reportgen writes one a line, and reads them back whole.
a_type = st.from_regex(r"[A-Z][a-z]{1,8}(?:(?: ?/ ?|, |; | & )[A-Z][a-z]{1,8})?", fullmatch=True)


@st.composite
def inline(draw):
    parts = draw(st.lists(st.tuples(phrase, st.sampled_from(["", "**", "*"])), min_size=1, max_size=3))
    return " ".join(f"{m}{p}{m}" for p, m in parts)


@st.composite
def markdown(draw):
    blocks = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["para", "bullets", "numbers", "heading"]))
        if kind == "para":
            blocks.append(draw(inline()))
        elif kind == "heading":
            blocks.append(f"**{draw(phrase)}**")
        else:
            items = []
            for n in range(1, draw(st.integers(1, 4)) + 1):
                marker = "-" if kind == "bullets" else f"{n}."
                items.append(f"{marker} {draw(inline())}")
                if draw(st.booleans()):
                    pad = " " * (len(marker) + 1)
                    items.append(f"{pad}- {draw(inline())}")
            blocks.append("\n".join(items))
    return "\n\n".join(blocks)


@st.composite
def groups(draw):
    out = []
    for k in range(draw(st.integers(0, 3))):
        theme = draw(phrase) if (k or draw(st.booleans())) else None
        owner = draw(st.one_of(st.none(), phrase))
        text = "\n".join(f"- {draw(inline())}" for _ in range(draw(st.integers(1, 3))))
        out.append(Group(theme=theme, owner=owner, text=text))
    return out


@st.composite
def entries(draw, prefix, n):
    out = []
    for i in range(1, n + 1):
        lk, im = draw(st.integers(1, 5)), draw(st.integers(1, 5))
        out.append(
            Entry(
                id=f"{prefix}{i}",
                description=draw(markdown()),
                types=draw(st.lists(a_type, max_size=3, unique=True)),
                consequences=draw(st.one_of(st.none(), markdown())),
                # the table layout has no column for a risk's progress or an opportunity's controls
                controls=draw(groups()) if prefix == "CR" else [],
                current=draw(st.sampled_from([Score(score=lk * im), Score(score=lk * im, likelihood=lk, impact=im)])),
                actions=draw(groups()),
                residual=Score(score=max(1, lk - 1) * im, likelihood=max(1, lk - 1), impact=im),
                owner=draw(phrase),
                direction=draw(st.one_of(st.none(), phrase)),
                progress=draw(st.one_of(st.none(), markdown())) if prefix == "CO" else None,
            )
        )
    return out


@st.composite
def registers(draw):
    return Register(
        organisation="Test County Council",
        period="Q1 2026/27",
        report_date="2026-07-01",
        risks=draw(entries("CR", draw(st.integers(1, 2)))),
        opportunities=draw(entries("CO", draw(st.integers(0, 1)))),
    )


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(registers())
def test_docx_and_xlsx_round_trip_any_register(tmp_path, reg):
    from reportgen import validate
    from reportgen.reader import Loaded, SourceMap

    resolved, _ = validate.check(Loaded(reg, SourceMap("generated"), tmp_path / "generated.yaml"))
    for fmt in ("docx", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        out.write_bytes(available()[fmt].render(view.build(resolved), Options()))
        back = importers.import_file(out).register
        checked, _ = validate.check(Loaded(back, SourceMap("imported"), tmp_path / "imported.yaml"))
        assert _comparable(checked) == _comparable(resolved), fmt
