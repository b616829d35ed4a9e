"""OCR: a real scanned page, a page rendered here and degraded (rotation, blur, noise, JPEG),
image inputs, the cache, and the image-cleaning steps. Skipped where Tesseract is missing."""

from __future__ import annotations

import datetime as dt
import io
import random

import pymupdf
import pytest

from pipeline import ocr
from pipeline.options import Options
from pipeline.runner import process_bytes, process_file
from tests.conftest import SAMPLES, shared_file


def _tesseract_ready() -> str | None:
    try:
        ocr.tesseract_info("vie")
    except ocr.OcrUnavailable as exc:
        return str(exc)
    return None


MISSING = _tesseract_ready()
needs_tesseract = pytest.mark.skipif(MISSING is not None, reason=f"OCR unavailable: {MISSING}")


def degraded_page(pdf, angle: float = 1.5, seed: int = 7):
    """Page 1 of a generated letter as a scanner might give it: 300 dpi, turned by
    ``angle`` degrees, blurred, speckled, saved as a JPEG of quality 60."""
    from PIL import Image, ImageFilter

    pix = pymupdf.open(pdf)[0].get_pixmap(dpi=300, colorspace=pymupdf.csGRAY)
    img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255, expand=False)
    img = img.filter(ImageFilter.GaussianBlur(1.0))
    rnd = random.Random(seed)
    px = img.load()
    for _ in range(img.width * img.height // 200):  # 0.5% salt-and-pepper speckle
        px[rnd.randrange(img.width), rnd.randrange(img.height)] = rnd.choice((0, 255))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=60, dpi=(300, 300))
    return buf.getvalue(), img


@needs_tesseract
def test_real_scanned_page():
    rec = process_file(shared_file("corpus/scans/qn-51-QD-UBND-2025.pdf"))
    assert rec.status.value == "ok"
    assert (rec.doc_type, rec.symbol, rec.issuer) == (
        "Quyết định", "QĐ-UBND", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"
    )
    assert (rec.place, rec.issue_year, rec.issue_month) == ("Quảng Ngãi", 2025, 1)
    assert rec.subject == "phê duyệt Kế hoạch ứng phó sự cố tràn dầu huyện Nghĩa Hành"
    # the page reading drops the grave of "Hiền" under the signature; the name line read
    # again on its own gets it
    assert (rec.signing_authority, rec.signer_title, rec.signer_name) == (
        "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Phước Hiền"
    )
    # the number and the day are handwritten: left empty, not guessed
    assert rec.number is None and rec.issue_date is None
    assert any("not readable" in w for w in rec.warnings)
    prov = rec.provenance["symbol"]
    assert prov.source == "ocr" and prov.page == 1 and 0 < prov.confidence < 1
    # the signatures are read from the file as for a text PDF
    assert [s.signer for s in rec.signatures] == [
        "Ủy ban nhân dân tỉnh Quảng Ngãi", "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC"
    ]
    # the stamps drawn by the signature widgets are not OCRed into the letter
    assert "ttcbth" not in " ".join(str(v) for v in rec.to_dict(with_provenance=False).values()
                                    if not isinstance(v, list))


@needs_tesseract
@pytest.mark.parametrize("angle", [0.0, 1.5, -2.0])
def test_degraded_rendered_page(tmp_path, angle):
    jpeg, _ = degraded_page(SAMPLES / "generated" / "qd-ubnd-256.pdf", angle)
    path = tmp_path / "qd-ubnd-256.jpg"
    path.write_bytes(jpeg)
    rec = process_file(path)
    assert rec.source_format == "image" and rec.page_count == 1
    assert (rec.doc_type, rec.code) == ("Quyết định", "256/QĐ-UBND")
    assert rec.issue_date == dt.date(2024, 7, 8)
    assert rec.issuer == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"
    assert rec.signer_name == "Nguyễn Văn Bình"
    assert all(p.source == "ocr" for p in rec.provenance.values() if p.extractor != "signatures")


@needs_tesseract
def test_multipage_tiff_and_the_cache(tmp_path, monkeypatch):
    _, first = degraded_page(SAMPLES / "generated" / "qd-ubnd-256.pdf", 0.5)
    _, second = degraded_page(SAMPLES / "generated" / "cv-sxd-1204.pdf", -0.5)
    buf = io.BytesIO()
    # copies: a frame just saved as JPEG keeps its JPEG settings, which TIFF refuses
    first.copy().save(buf, format="TIFF", save_all=True, append_images=[second.copy()])
    options = Options(ocr_cache=str(tmp_path / "cache"))
    rec = process_bytes("two.tiff", buf.getvalue(), options)
    assert rec.page_count == 2 and rec.text_pages == 2
    assert rec.code == "256/QĐ-UBND"

    def no_tesseract(*args, **kwargs):
        raise AssertionError("a cached page was OCRed again")

    monkeypatch.setattr(ocr, "run_tesseract", no_tesseract)
    again = process_bytes("two.tiff", buf.getvalue(), options)
    assert again.to_dict(with_provenance=True) | {"ingested_at": None} == \
        rec.to_dict(with_provenance=True) | {"ingested_at": None}


def test_scan_without_ocr_says_so():
    rec = process_file(shared_file("corpus/scans/qn-51-QD-UBND-2025.pdf"),
                       options=Options(ocr=False))
    assert rec.status.value == "failed"
    assert "no OCR" in rec.errors[0] and len(rec.signatures) == 2


def test_missing_tesseract_is_a_clear_failure(monkeypatch):
    monkeypatch.setenv("VANTHU_TESSERACT", "/nonexistent/tesseract")
    ocr.tesseract_path.cache_clear()
    ocr.tesseract_info.cache_clear()
    try:
        rec = process_file(shared_file("corpus/scans/ttg-970-2024.pdf"),
                           options=Options(ocr_cache=None))
    finally:
        ocr.tesseract_path.cache_clear()
        ocr.tesseract_info.cache_clear()
    assert rec.status.value == "failed"
    assert "OCR is not possible" in rec.errors[0]


# ---------------------------------------------------------------------------- cleaning steps


def test_otsu_splits_ink_from_paper():
    import numpy as np

    arr = np.array([20] * 300 + [30] * 200 + [220] * 900 + [240] * 600, dtype=np.uint8)
    assert 30 <= ocr.otsu_histogram(np.bincount(arr, minlength=256).tolist()) < 220


@pytest.mark.parametrize("angle", [-2.0, 1.0, 2.4])
def test_skew_angle_undoes_a_rotation(angle):
    from PIL import Image

    pix = pymupdf.open(SAMPLES / "generated" / "cv-sxd-1204.pdf")[0].get_pixmap(
        dpi=150, colorspace=pymupdf.csGRAY
    )
    img = Image.frombytes("L", (pix.width, pix.height), pix.samples)
    turned = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    assert ocr.skew_angle(turned) == pytest.approx(-angle, abs=0.25)


def test_drop_ink_removes_red_and_blue_but_keeps_black():
    from PIL import Image

    img = Image.new("RGB", (30, 10), (255, 255, 255))
    for x in range(10):
        img.putpixel((x, 5), (20, 20, 20))  # black text
        img.putpixel((x + 10, 5), (200, 30, 40))  # red seal
        img.putpixel((x + 20, 5), (30, 40, 160))  # blue signature
    out = ocr.clean(img, ("drop_ink",))
    assert out.getpixel((5, 5)) < 60
    assert out.getpixel((15, 5)) == 255 and out.getpixel((25, 5)) == 255


@needs_tesseract
def test_a_name_under_a_seal_is_read_from_its_column():
    """qn-07: a black seal over the signature block made the page reading skip the column;
    the column beside "Nơi nhận" read again as a block gives the name."""
    rec = process_file(shared_file("corpus/scans/qn-07-CT-UBND-2018.pdf"))
    assert rec.signer_name == "Phạm Trường Thọ"
    assert rec.provenance["signer_name"].page == 4


@needs_tesseract
def test_a_title_across_the_seal_is_read_as_sparse_text():
    """ttg-981: "THỦ TƯỚNG" crosses the ring of the seal, whose lettering and star make
    Tesseract's page and block readings give specks; read as sparse text the column gives
    the title, which the phrase list spells."""
    rec = process_file(shared_file("corpus/scans/ttg-981-2024.pdf"))
    assert (rec.signer_title, rec.signing_authority) == ("THỦ TƯỚNG", None)
    assert rec.signer_name == "Phạm Minh Chính"
    assert rec.provenance["signer_title"].source == "ocr"


@needs_tesseract
def test_a_number_line_touched_by_the_seal_is_read_again():
    """ttg-985: the seal's arc touches "Số: 985/QĐ-TTg" and the page reading gives
    "Số: TU"; cut to its own height the line reads right."""
    rec = process_file(shared_file("corpus/scans/ttg-985-2024.pdf"))
    assert (rec.number, rec.symbol, rec.doc_type) == ("985", "QĐ-TTg", "Quyết định")
    assert rec.provenance["symbol"].source == "ocr"


@pytest.mark.parametrize("line,expected", [
    ("PHO CHU TỊCH", "PHÓ CHỦ TỊCH"),
    ("TM. ỦY BAN NHÂN DẪN", "TM. ỦY BAN NHÂN DÂN"),
    ("KT.CHU TICH", "KT. CHỦ TỊCH"),
    ("THỦ TƯỚNG CHÍNHPHỦ", "THỦ TƯỚNG CHÍNH PHỦ"),  # a space lost
    ("PHÓ CHỦ TỊC", "PHÓ CHỦ TỊCH"),  # one letter from one phrase only
    ("TRUONG BAM", "TRƯỞNG BAN"),
    ("CHỦ TỊC", "CHỦ TỊC"),  # too short to trust one letter
    ("YÉT ĐỊNH", "QUYẾT ĐỊNH"),  # the first letters of a title lost under a seal
    ("HU TỊCH", "CHỦ TỊCH"),  # ends CHỦ TỊCH one letter short, PHÓ CHỦ TỊCH five
    ("ẾT ĐỊNH", "ẾT ĐỊNH"),  # too short
    ("CHU TICH X", "CHU TICH X"),  # two letters away: kept as read
    ("Trần Phước Hiên", "Trần Phước Hiên"),
])
def test_snap_phrase(line, expected):
    assert ocr.snap_phrase(line) == expected


def ocr_words(rows: list[tuple[float, list[tuple[float, str]]]]) -> list[list]:
    """Words as Tesseract's TSV gives them (points, confidence 95), one Tesseract line per
    row whatever its columns: ``(top, [(left, phrase), …])``."""
    words = []
    for top, phrases in rows:
        for left, phrase in phrases:
            x = left
            for word in phrase.split():
                right = x + 5 * len(word)
                words.append([x, top, right, top + 12, 95.0, word, f"1.1.{top}"])
                x = right + 4
    return words


def ocr_record(rows: list[tuple[float, list[tuple[float, str]]]]):
    """The record of a one-page scan whose OCR words are ``rows`` (see ``ocr_words``): the
    same lines, zones and extractors as a real scan, without the image."""
    from extractors.base import Context
    from pipeline.document import Document, Page
    from pipeline.layout import zone
    from pipeline.runner import _run_extractors
    from schemas.record import Record

    lines = ocr.words_to_lines(ocr_words(rows), 1.0, 1)
    doc = Document(path="x.pdf", format="pdf",
                   pages=[Page(number=1, width=595, height=842, lines=lines, ocr=True)])
    rec = Record(doc_id="x", source_path="x.pdf", source_format="pdf")
    _run_extractors(Context(doc=doc, zones=zone(doc), record=rec))
    return rec


DECISION_HEAD = [
    (60, [(90, "THỦ TƯỚNG CHÍNH PHỦ"), (330, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
    (95, [(110, "Số: 985/QĐ-TTg"), (340, "Hà Nội, ngày 15 tháng 9 năm 2024")]),
    (128, [(265, "QUYẾT ĐỊNH")]),
    (145, [(196, "Về việc xuất cấp hóa chất khử khuẩn")]),
    (230, [(90, "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;")]),
]


def test_a_scanned_decision_with_an_incoming_stamp_beside_its_subject():
    """ttg-981 as OCR reads it: the "ĐẾN" stamp of the government portal sits left of the
    subject, its frame read as "|", and the handwritten number leaves "Số: TU"."""
    rows = [
        (60, [(90, "THỦ TƯỚNG CHÍNH PHỦ"), (330, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
        (75, [(360, "Độc lập - Tự do - Hạnh phúc")]),
        (95, [(110, "Số: TU"), (340, "Hà Nội, ngày 16 tháng 9 năm 2024")]),
        (128, [(265, "QUYẾT ĐỊNH")]),
        (145, [(20, "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ |"),
               (196, "Về việc phê chuẩn kết quả miễn nhiệm chức vụ Chủ tịch")]),
        (160, [(30, "wgty46.13-L2024---|"),
               (165, "Ủy ban nhân dân tỉnh Thái Nguyên nhiệm kỳ 2021 - 2026")]),
        (200, [(225, "THỦ TƯỚNG CHÍNH PHỦ")]),
        (230, [(90, "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;")]),
        (250, [(90, "QUYẾT ĐỊNH:")]),
        (270, [(90, "Điều 1. Phê chuẩn kết quả miễn nhiệm.")]),
        (320, [(60, "Nơi nhận:"), (400, "THỦ TƯỚNG")]),
        (335, [(60, "- Như Điều 1;")]),
        (350, [(60, "- Lưu: VT, V.I.")]),
        (400, [(390, "Phạm Minh Chính")]),
    ]
    lines = ocr.words_to_lines(ocr_words(rows), 1.0, 1)
    assert "CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ" in [ln.text for ln in lines]  # cut at the "|"
    rec = ocr_record(rows)
    assert (rec.doc_type, rec.issuer, rec.place, rec.issue_year, rec.issue_month) == (
        "Quyết định", "THỦ TƯỚNG CHÍNH PHỦ", "Hà Nội", 2024, 9)
    assert rec.subject == ("phê chuẩn kết quả miễn nhiệm chức vụ Chủ tịch Ủy ban nhân dân tỉnh "
                           "Thái Nguyên nhiệm kỳ 2021 - 2026")
    assert (rec.signer_title, rec.signer_name) == ("THỦ TƯỚNG", "Phạm Minh Chính")


def test_header_columns_read_as_one_line_are_cut_at_the_motto():
    rows = [(50, [(88, "THỦ TƯỚNG CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")])]
    lines = ocr.words_to_lines(ocr_words(rows), 1.0, 1)
    assert [ln.text for ln in lines] == [
        "THỦ TƯỚNG CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ]
    assert lines[0].bbox[2] < lines[1].bbox[0]


@pytest.mark.parametrize("line,expected", [
    ("Z0 dc KT. THỦ TƯỚNG", "KT. THỦ TƯỚNG"),  # specks before the authority line
    ("_PHÔỒXXHỦ TƯỚNG", "PHÓ THỦ TƯỚNG"),  # the seal's ring across "PHÓ THỦ"
    ("=XT,. THỦ TƯỚNG", "KT. THỦ TƯỚNG"),
    ("kg, THỦ TƯỚNG", "kg, THỦ TƯỚNG"),  # "KT." or specks before "THỦ TƯỚNG": kept as read
    ("Phạm Minh Chính", "Phạm Minh Chính"),  # not in capitals: a name, not a title
    ("CHỦ TỊCH HĐND", "CHỦ TỊCH HĐND"),  # a title not in the list stays as it is
])
def test_snap_block_line(line, expected):
    assert ocr.snap_block_line(line) == expected


def test_ocr_place_and_family_name_are_checked_against_their_lists():
    """"Rà Nội" and "“Hỗ Đức Phớc +" as OCR reads them are Hà Nội and Hồ Đức Phớc; the same
    words in a text layer are kept as written (see test_extractors)."""
    rows = [row if row[0] != 95 else (95, [(110, "Số: 985/QĐ-TTg"),
                                           (340, "Rà Nội, ngày 15 tháng 9 năm 2024")])
            for row in DECISION_HEAD]
    rec = ocr_record(rows + [
        (320, [(60, "Nơi nhận:"), (400, "KT. THỦ TƯỚNG")]),
        (335, [(60, "- Như Điều 3;"), (400, "PHÓ THỦ TƯỚNG")]),
        (400, [(390, "“Hỗ Đức Phớc +")]),
    ])
    assert (rec.place, rec.signer_name) == ("Hà Nội", "Hồ Đức Phớc")
    assert rec.provenance["place"].text.startswith("Rà Nội")  # provenance keeps the reading


@pytest.mark.parametrize("block_rows", [
    # ttg-970: specks before "KT." (the line sits above "Nơi nhận"), the seal over "PHÓ"
    [(312, [(400, "Z0 dc KT. THỦ TƯỚNG")]),
     (320, [(60, "Nơi nhận:")]), (335, [(60, "- Như Điều 3;"), (400, "CC ưng ĐÓ THỦ TƯỚNG")]),
     (400, [(400, "Hồ Đức Phớc")])],
    # ttg-985: both prefixes lost, the head's title read twice
    [(320, [(60, "Nơi nhận:"), (400, "THỦ TƯỚNG")]),
     (335, [(60, "- Như Điều 3;"), (400, "Ú TƯỞNG")]),
     (400, [(400, "Hồ Đức Phớc")])],
])
def test_a_deputy_block_is_put_back_from_its_form(block_rows):
    rec = ocr_record(DECISION_HEAD + block_rows)
    assert (rec.signing_authority, rec.signer_title, rec.signer_name) == (
        "KT. THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", "Hồ Đức Phớc")


def test_a_head_signing_himself_is_left_as_read():
    rec = ocr_record(DECISION_HEAD + [(320, [(60, "Nơi nhận:"), (400, "THỦ TƯỚNG")]),
                                      (400, [(400, "Phạm Minh Chính")])])
    assert (rec.signing_authority, rec.signer_title, rec.signer_name) == (
        None, "THỦ TƯỚNG", "Phạm Minh Chính")


def test_number_reread_looks_only_at_the_header(monkeypatch):
    """"Số lượng …" in the body is not a number line: no extra Tesseract run for it."""
    from PIL import Image

    calls = []
    monkeypatch.setattr(ocr, "run_tesseract", lambda *a, **k: calls.append(a) or "")
    page = Image.new("1", (1000, 1400), 1)
    body = [[100, 900, 140, 930, 95.0, "Số", "9.1.1"], [150, 900, 260, 930, 95.0, "lượng", "9.1.1"]]
    assert ocr.reread_number(page, body, ocr.OcrSettings()) == body and not calls
    header = [[100, 200, 160, 230, 95.0, "Số:", "2.1.1"], [170, 200, 220, 230, 20.0, "TU", "2.1.1"]]
    ocr.reread_number(page, header, ocr.OcrSettings())
    assert calls  # the header's number line without a symbol is read again


def _tsv(*words: tuple[int, int, int, int, str]) -> str:
    """Tesseract TSV with one line of ``(left, top, width, height, text)`` words."""
    rows = ["level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\t"
            "height\tconf\ttext"]
    for k, (left, top, w, h, text) in enumerate(words, 1):
        rows.append(f"5\t1\t1\t1\t1\t{k}\t{left}\t{top}\t{w}\t{h}\t90\t{text}")
    return "\n".join(rows) + "\n"


def test_a_number_read_differently_twice_is_left_empty(monkeypatch):
    """ttg-981: the stamped "981" reads "384" on the page and "3484" cut out; neither is
    kept. A number read the same twice ("86") is kept."""
    from PIL import Image

    page = Image.new("1", (1000, 1400), 1)

    def line(number):
        return [[100, 200, 160, 230, 95.0, "Số:", "2.1.1"],
                [170, 200, 220, 230, 80.0, number, "2.1.1"],
                [230, 200, 330, 230, 80.0, "/QĐ-TTg", "2.1.1"]]

    monkeypatch.setattr(ocr, "run_tesseract", lambda *a, **k: _tsv(
        (10, 5, 50, 30, "Số:"), (70, 5, 60, 30, "3484"), (140, 5, 100, 30, "/QĐ-TTg")))
    words = ocr.reread_number(page, line("384"), ocr.OcrSettings())
    assert [w[5] for w in words] == ["Số:", "?", "/QĐ-TTg"]
    rec = process_bytes("x.txt", "Số: ? /QĐ-TTg\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n".encode())
    assert rec.number is None and any("not readable" in w for w in rec.warnings)

    monkeypatch.setattr(ocr, "run_tesseract", lambda *a, **k: _tsv(
        (10, 5, 50, 30, "Số:"), (70, 5, 40, 30, "86"), (120, 5, 100, 30, "/QĐ-UBND")))
    words = ocr.reread_number(page, line("86"), ocr.OcrSettings())
    assert [w[5] for w in words] == ["Số:", "86", "/QĐ-TTg"]


def test_a_failed_reread_never_loses_the_page(monkeypatch):
    """A second reading is a second chance: an empty crop is not read, and a crop that
    Tesseract (or Pillow) fails on leaves the page's words as they were."""
    from PIL import Image

    page = Image.new("1", (1000, 1400), 1)
    monkeypatch.setattr(ocr, "run_tesseract", lambda *a, **k: pytest.fail("not to be run"))
    assert ocr._read_crop(page, (497, 180, 445, 240), ocr.OcrSettings(), 7, "number") is None

    def broken(*args, **kwargs):
        raise ValueError("cannot write empty image")

    monkeypatch.setattr(ocr, "run_tesseract", broken)
    words = [[455, 200, 460, 205, 10.0, "'", "2.1.1"],
             [497, 200, 540, 230, 95.0, "Số:", "2.1.1"],
             [550, 200, 600, 230, 20.0, "TU", "2.1.1"]]
    assert ocr.reread_number(page, [list(w) for w in words], ocr.OcrSettings()) == words
