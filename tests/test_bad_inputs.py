"""Bad input gives a failed record with a clear error, and the batch goes on."""

from __future__ import annotations

import shutil

import pymupdf
import pytest

from pipeline import ingest, read_dataset
from pipeline.options import Options
from pipeline.runner import process_file
from tests.conftest import SAMPLES

GOOD = SAMPLES / "generated" / "cv-sxd-1204.pdf"


def _encrypted_pdf(path):
    doc = pymupdf.open(GOOD)
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="secret")


CASES = {
    "empty.pdf": (lambda p: p.write_bytes(b""), "the file is empty"),
    "corrupt.pdf": (lambda p: p.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50),
                    "the PDF cannot be opened"),
    "locked.pdf": (_encrypted_pdf, "the PDF is encrypted and needs a password"),
    "letter.docx": (lambda p: shutil.copyfile(GOOD, p),
                    "the name says DOCX but the content is PDF"),
    # "Sở Nội vụ" as a Windows-1258 editor saves it (ơ = 0xF5, ộ = ô 0xF4 + dot 0xF2)
    "cp1258.txt": (lambda p: p.write_bytes(b"K\xednh g\xfdi: S\xf5\xd2 N\xf4\xf2i v\xf2u"),
                   "the text is not UTF-8"),
    "notes.xyz": (lambda p: p.write_text("hello", "utf-8"), "unknown file type"),
    "broken.docx": (lambda p: p.write_bytes(b"PK\x03\x04not really a zip"),
                    "the file is a ZIP archive"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_gives_failed_record(tmp_path, name):
    make, message = CASES[name]
    path = tmp_path / name
    make(path)
    rec = process_file(path)
    assert rec.status.value == "failed"
    assert len(rec.errors) == 1 and message in rec.errors[0]
    assert rec.source_path == str(path)


def test_scanned_pdf_is_reported_as_having_no_text_layer(tmp_path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.draw_rect(pymupdf.Rect(50, 50, 200, 200), fill=(0, 0, 0))
    doc.save(tmp_path / "scan.pdf")
    rec = process_file(tmp_path / "scan.pdf", options=Options(ocr=False))
    assert rec.status.value == "failed"
    assert rec.errors[0].startswith("no text layer on any page (a scanned document) and no OCR")


def test_batch_goes_on_and_every_file_has_a_record(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    for name, (make, _) in CASES.items():
        make(folder / "sub" / name)
    shutil.copyfile(GOOD, folder / "good.pdf")
    report = ingest([folder], tmp_path / "ds", workers=1)
    assert report.inputs == len(CASES) + 1 and report.processed == report.inputs
    assert report.by_status == {"failed": len(CASES), "ok": 1}
    df = read_dataset(tmp_path / "ds")
    assert len(df) == len(CASES) + 1
    failed = df.loc[df.status == "failed", "source_path"]
    assert set(failed.str.rsplit("/", n=1).str[-1]) == set(CASES)
    assert all(len(e) == 1 for e in df.loc[df.status == "failed", "errors"])


def test_empty_folder_is_said_clearly(tmp_path):
    (tmp_path / "empty").mkdir()
    report = ingest([tmp_path / "empty"], tmp_path / "ds")
    assert report.inputs == 0
    assert report.problems == [f"{tmp_path / 'empty'}: the folder holds no files"]


def test_cli_exit_codes(tmp_path, capsys):
    from pipeline.cli import main

    (tmp_path / "empty").mkdir()
    assert main(["ingest", str(tmp_path / "empty"), "--out", str(tmp_path / "d1"),
                 "--no-progress"]) == 2
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.pdf").write_bytes(b"")
    assert main(["ingest", str(tmp_path / "bad"), "--out", str(tmp_path / "d2"),
                 "--no-progress"]) == 1
    assert "FAILED" in capsys.readouterr().err
