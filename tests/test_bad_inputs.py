"""Bad input gives a failed record with a clear error, and the batch goes on."""

from __future__ import annotations

import shutil

import pymupdf
import pytest

from pipeline import ingest, read_dataset
from pipeline.executors import Limits
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
    report = ingest([folder], tmp_path / "ds", workers=1, include=["*"])
    assert report.seen == len(CASES) + 1 and report.processed == report.seen
    assert report.by_status == {"failed": len(CASES), "ok": 1}
    df = read_dataset(tmp_path / "ds")
    assert len(df) == len(CASES) + 1
    failed = df.loc[df.status == "failed", "source_path"]
    assert set(failed.str.rsplit("/", n=1).str[-1]) == set(CASES)
    assert all(len(e) == 1 for e in df.loc[df.status == "failed", "errors"])
    assert df.doc_id.str.len().eq(64).all()  # every failed record names its bytes


def test_hostile_files_each_get_one_skipped_or_failed_record(tmp_path):
    """FIFOs, sockets, a link to /dev/zero, a link loop, a broken link, a non-UTF-8 name, a
    path of 5,000 characters and a file that is not a document: each is said once, the
    good files are read, nothing blocks."""
    import os
    import socket

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(GOOD, folder / "good.pdf")
    os.mkfifo(folder / "pipe.pdf")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "sock.pdf"))
    (folder / "zero.pdf").symlink_to("/dev/zero")
    (folder / "loop.pdf").symlink_to(folder / "loop.pdf")
    (folder / "gone.pdf").symlink_to(folder / "nowhere.pdf")
    (folder / "back").symlink_to(folder)  # a folder link back to the root
    (folder / "README.md").write_text("# Công văn đến\n", "utf-8")
    (folder / "danh-sach.csv").write_text("so,ngay\n", "utf-8")
    # "Công văn.txt" saved in Windows-1258 by an old tool: not UTF-8
    raw = os.fsencode(str(folder)) + b"/C\xf4ng v\xe3n.txt"
    with open(raw, "wb") as fh:
        fh.write((SAMPLES / "generated" / "cv-sxd-1204.txt").read_bytes())
    # a list saved beside it under a name in the same old code page: skipped, not a document
    raw_skipped = os.fsencode(str(folder)) + b"/b\xe1o c\xe1o.csv"
    with open(raw_skipped, "wb") as fh:
        fh.write(b"so,ngay\n")
    deep = str(folder)
    while len(deep) < 5000:
        deep += "/" + "thư-mục-" * 20
    fd = os.open(folder, os.O_RDONLY)
    try:  # build the deep folder one step at a time (a whole path past 4096 bytes fails)
        for part in deep[len(str(folder)) + 1:].split("/"):
            os.mkdir(part, dir_fd=fd)
            nfd = os.open(part, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = nfd
        wfd = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd)
        os.write(wfd, (SAMPLES / "generated" / "cv-sxd-1204.txt").read_bytes())
        os.close(wfd)
    finally:
        os.close(fd)
    report = ingest([folder], tmp_path / "ds", workers=2)
    reasons = {s["path"].rsplit("/", 1)[-1]: s["reason"] for s in report.skipped_files}
    assert reasons["pipe.pdf"].startswith("not a regular file")
    assert reasons["sock.pdf"].startswith("not a regular file")
    assert reasons["zero.pdf"].startswith("not a regular file")
    assert reasons["loop.pdf"] == "a link loop"
    assert reasons["gone.pdf"] == "a broken link"
    assert reasons["back"].startswith("a link back to a folder")
    assert reasons["README.md"].startswith("not a document")
    assert reasons["danh-sach.csv"].startswith("not a document")
    assert any("too long" in r for r in reasons.values())
    df = read_dataset(tmp_path / "ds")
    names = set(df.source_path.str.rsplit("/", n=1).str[-1])
    assert names == {"good.pdf", "C\\xf4ng v\\xe3n.txt"}
    assert df.status.ne("failed").all()
    files = read_dataset(tmp_path / "ds", "files")
    stored = files.loc[files.path.str.endswith("n.txt"), "path_bytes"].iloc[0]
    assert stored == raw  # the name's bytes, kept exactly
    skipped = files.loc[files.path.str.endswith("o.csv"), "path_bytes"].iloc[0]
    assert skipped == raw_skipped  # a skipped file's too, not the escaped name shown
    assert ingest([folder], tmp_path / "ds").processed == 0


def test_empty_folder_is_said_clearly(tmp_path):
    from pipeline.api import InputError

    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="the folder holds no files"):
        ingest([tmp_path / "empty"], tmp_path / "ds")


def _huge_page_pdf(path):
    """A tiny PDF whose one page is 14400 × 14400 pt with no text: rendering it for OCR at
    300 dpi asks for a 60000 × 60000 pixel image (about 10 GiB)."""
    doc = pymupdf.open()
    page = doc.new_page(width=14400, height=14400)
    page.draw_rect(pymupdf.Rect(100, 100, 200, 200), fill=(0, 0, 0))
    doc.save(path)


def _inflating_docx(path, mib: int = 300):
    """A DOCX of a few hundred KB whose document.xml inflates to ``mib`` MiB of paragraphs."""
    import zipfile

    good = SAMPLES / "generated" / "cv-sxd-1204.docx"
    para = b"<w:p><w:r><w:t>Sao y b\xe1\xba\xa3n ch\xc3\xadnh.</w:t></w:r></w:p>"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                head, _, tail = data.partition(b"<w:body>")
                with dst.open("word/document.xml", "w", force_zip64=True) as fh:
                    fh.write(head + b"<w:body>")
                    block = para * (1 << 14)
                    for _ in range((mib << 20) // len(block)):
                        fh.write(block)
                    fh.write(tail)
            else:
                dst.writestr(item, data)


def test_documents_over_the_memory_limit_fail_alone(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _huge_page_pdf(folder / "huge-page.pdf")
    _inflating_docx(folder / "bomb.docx")
    for f in sorted((SAMPLES / "generated").glob("*.txt")):
        shutil.copy(f, folder)
    limits = Limits(seconds=120, memory_mb=700, pages=None)
    report = ingest([folder], tmp_path / "ds", workers=2, limits=limits)
    failed = {f["path"].rsplit("/", 1)[-1]: f["error"] for f in report.failures}
    assert set(failed) == {"huge-page.pdf", "bomb.docx"}
    assert all("more memory than the limit of 700 MiB" in e for e in failed.values()), failed
    assert report.processed == report.seen and report.by_status.get("ok", 0) >= 1
