"""zipguard: a .docx/.xlsx is refused before anything opens it when its parts would unpack too far."""

from __future__ import annotations

import zipfile

import pytest

from hostile import blank_docx, docx_bomb
from reportgen import zipguard


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """3 MB whose word/document.xml unpacks to 3 GB (and says so)."""
    return docx_bomb(tmp_path_factory.mktemp("bomb") / "bomb.docx")


def test_a_real_document_passes(tmp_path):
    path = tmp_path / "blank.docx"
    path.write_bytes(blank_docx())
    assert "word/document.xml" in zipguard.check(path, needs="word/document.xml")


def test_a_declared_size_beyond_the_limit_is_refused_before_anything_is_inflated(bomb, monkeypatch):
    def inflate(*args, **kwargs):
        raise AssertionError("a part was inflated")

    monkeypatch.setattr(zipfile.ZipFile, "open", inflate)
    with pytest.raises(zipguard.PackageError) as info:
        zipguard.check(bomb)
    message = str(info.value)
    assert message.startswith(f"{bomb}: word/document.xml would unpack to 3,220 MB, more than the 128 MiB limit")
    assert "zip bomb" in message and "\n" not in message


def test_inflating_stops_at_the_limit_whatever_a_part_declares(bomb, monkeypatch):
    monkeypatch.setattr(zipguard, "_declared", lambda info: 0)  # a package that lies about every size
    inflated = []
    read = zipfile.ZipExtFile.read

    def counted(self, n=-1):
        data = read(self, n)
        inflated.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counted)
    with pytest.raises(zipguard.PackageError) as info:
        zipguard.check(bomb)
    assert "word/document.xml unpacks to more than the 128 MiB limit for one part" in str(info.value)
    assert sum(inflated) <= zipguard.MAX_PART_BYTES + 2 * zipguard.MiB  # not the 3 GB it holds


def test_a_part_that_claims_less_than_it_holds_is_damaged(tmp_path):
    path = docx_bomb(tmp_path / "lies.docx", declared=1000)
    with pytest.raises(zipguard.PackageError) as info:
        zipguard.check(path)
    assert str(info.value) == f"{path}: is damaged (word/document.xml cannot be read); save it again from Word or Excel"


def test_too_many_parts(tmp_path, monkeypatch):
    path = tmp_path / "blank.docx"
    path.write_bytes(blank_docx())
    monkeypatch.setattr(zipguard, "MAX_PARTS", 5)
    with pytest.raises(zipguard.PackageError) as info:
        zipguard.check(path)
    assert "parts, more than the limit of 5 for a document, so it was not opened" in str(info.value)


def test_a_file_that_is_not_the_document_asked_for(tmp_path):
    text = tmp_path / "notes.docx"
    text.write_text("not a document")
    workbook = tmp_path / "book.xlsx"
    with zipfile.ZipFile(workbook, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    for path in (text, workbook):
        with pytest.raises(zipguard.PackageError) as info:
            zipguard.check(path, "a Word document (.docx)", "word/document.xml", "give a Word document")
        assert str(info.value) == f"{path}: is not a Word document (.docx); give a Word document"
