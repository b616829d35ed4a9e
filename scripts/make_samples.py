"""Writes the generated sample letters in ``samples/generated`` and copies the seed texts.

Three letters in the layout of Nghị định 30/2020/NĐ-CP, Phụ lục I (a công văn with an urgency
mark, a quyết định with stacked authority, a thông báo whose number and day are blank), each
rendered as a text PDF (two-column header placed by position), a DOCX (header and footer as
tables), an HTML page (the letter as one region among menus) and a TXT export. Run it again
after changing a letter, then regenerate the golden records (``make regen-samples``).
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pymupdf
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples" / "generated"
SEEDS = ROOT.parent / "shared" / "seeds"

LETTERS = [
    {
        "name": "cv-sxd-1204",
        "parent": ["UBND TỈNH BÌNH ĐỊNH"],
        "issuer": ["SỞ XÂY DỰNG"],
        "number": "Số: 1204/SXD-QLN",
        "mark": "KHẨN",
        "vv": ["V/v rà soát, báo cáo tình hình phát triển", "nhà ở xã hội năm 2025"],
        "date": "Bình Định, ngày 15 tháng 3 năm 2025",
        "title": None,
        "subject": [],
        "kinh_gui": ["Ủy ban nhân dân các huyện, thị xã, thành phố;",
                     "Ban Quản lý Khu kinh tế tỉnh."],
        "body": [
            "Thực hiện Công văn số 512/UBND-KT ngày 02/3/2025 của Ủy ban nhân dân tỉnh về việc "
            "triển khai Đề án đầu tư xây dựng ít nhất 01 triệu căn hộ nhà ở xã hội, Sở Xây dựng "
            "đề nghị các cơ quan, đơn vị rà soát tình hình phát triển nhà ở xã hội trên địa bàn.",
            "Báo cáo gửi về Sở Xây dựng trước ngày 30/3/2025 để tổng hợp, báo cáo Ủy ban nhân "
            "dân tỉnh theo quy định tại Quyết định số 444/QĐ-TTg ngày 27/02/2025 của Thủ tướng "
            "Chính phủ.",
            "Mọi chi tiết xin liên hệ Ông Lê Văn Hải, Phòng Quản lý nhà, "
            "điện thoại: 0256.3822.123, "
            "email: lvhai@sxd.binhdinh.gov.vn.",
            "Sở Xây dựng đề nghị các cơ quan, đơn vị quan tâm phối hợp thực hiện./.",
        ],
        "noi_nhan": ["- Như trên;", "- UBND tỉnh (b/c);", "- Giám đốc Sở;", "- Lưu: VT, QLN."],
        "authority": ["KT. GIÁM ĐỐC"],
        "signer_title": "PHÓ GIÁM ĐỐC",
        "signer": "Trần Thị Mai",
    },
    {
        "name": "qd-ubnd-256",
        "parent": [],
        "issuer": ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"],
        "number": "Số: 256/QĐ-UBND",
        "mark": None,
        "vv": [],
        "date": "Lâm Đồng, ngày 08 tháng 7 năm 2024",
        "title": "QUYẾT ĐỊNH",
        "subject": ["Về việc thành lập Tổ công tác chuyển đổi số", "của tỉnh Lâm Đồng"],
        "authority_line": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
        "kinh_gui": [],
        "body": [
            "Căn cứ Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19 tháng 6 năm 2015;",
            "Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt "
            "Chương trình Chuyển đổi số quốc gia;",
            "Theo đề nghị của Giám đốc Sở Thông tin và Truyền thông.",
            "QUYẾT ĐỊNH:",
            "Điều 1. Thành lập Tổ công tác chuyển đổi số của tỉnh Lâm Đồng. Tổ công tác hoàn "
            "thành việc xây dựng kế hoạch hoạt động chậm nhất ngày 15 tháng 8 năm 2024.",
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.",
        ],
        "noi_nhan": ["- Như Điều 2;", "- TT Tỉnh ủy;", "- CT, các PCT UBND tỉnh;",
                     "- Lưu: VT, TH."],
        "authority": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"],
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer": "Nguyễn Văn Bình",
    },
    {
        "name": "tb-vp-blank",
        "parent": ["UBND THÀNH PHỐ HÀ NỘI"],
        "issuer": ["VĂN PHÒNG"],
        "number": "Số:        /TB-VP",
        "mark": "MẬT",
        "vv": [],
        "date": "Hà Nội, ngày       tháng 9 năm 2025",
        "title": "THÔNG BÁO",
        "subject": ["Kết luận của Phó Chủ tịch UBND Thành phố", "tại cuộc họp về công tác lưu trữ"],
        "kinh_gui": [],
        "body": [
            "Ngày 05/9/2025, Phó Chủ tịch UBND Thành phố chủ trì cuộc họp về công tác lưu trữ "
            "hồ sơ điện tử theo Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ.",
            "Giao Sở Nội vụ hoàn thành việc rà soát và báo cáo UBND Thành phố chậm nhất ngày 20 "
            "tháng 9 năm 2025.",
            "Văn phòng UBND Thành phố thông báo để các cơ quan, đơn vị biết, thực hiện./.",
        ],
        "noi_nhan": ["- Sở Nội vụ;", "- Chánh VP, các PCVP;", "- Lưu: VT, NC."],
        "authority": ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG"],
        "signer_title": "PHÓ CHÁNH VĂN PHÒNG",
        "signer": "Phạm Quốc Toản",
    },
]

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


# ---------------------------------------------------------------------------- PDF

def _fonts() -> tuple[pymupdf.Font, pymupdf.Font]:
    return pymupdf.Font("notos"), pymupdf.Font("notosbo")


def write_pdf(letter: dict, path: Path) -> None:
    regular, bold = _fonts()
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    left, right, mid = 70.0, 540.0, 297.5
    state = {"page": page, "y": 0.0}

    def put(text: str, x_center: float | None, y: float, size: float, font: pymupdf.Font,
            x: float | None = None) -> None:
        pg = state["page"]
        tw = pymupdf.TextWriter(pg.rect)
        width = font.text_length(text, fontsize=size)
        x0 = x if x is not None else x_center - width / 2
        tw.append((x0, y), text, font=font, fontsize=size)
        tw.write_text(pg)

    y = 70.0
    col_left, col_right = 165.0, 400.0
    for line in letter["parent"]:
        put(line, col_left, y, 12, regular)
        y += 15
    for line in letter["issuer"]:
        put(line, col_left, y, 12, bold)
        y += 15
    put(letter["number"], col_left, y + 12, 12, regular)
    y_left = y + 12
    for k, line in enumerate(letter["vv"]):
        put(line, col_left, y_left + 16 + 14 * k, 11, regular)
    put(MOTTO[0], col_right, 70, 12, bold)
    put(MOTTO[1], col_right, 85, 13, bold)
    put(letter["date"], col_right, y_left, 12, regular)
    if letter["mark"]:
        put(letter["mark"], None, y_left + 60, 12, bold, x=left)
    y = y_left + 30 + 14 * len(letter["vv"]) + (20 if letter["mark"] else 0)
    if letter["title"]:
        y += 16
        put(letter["title"], mid, y, 14, bold)
        for line in letter["subject"]:
            y += 17
            put(line, mid, y, 13, bold)
        if letter.get("authority_line"):
            y += 28
            put(letter["authority_line"], mid, y, 13, bold)
    y += 26
    if letter["kinh_gui"]:
        put("Kính gửi:", None, y, 13, regular, x=140)
        for line in letter["kinh_gui"]:
            put("- " + line, None, y, 13, regular, x=205)
            y += 17
        y += 8

    state["y"] = y

    def paragraph(text: str, font=regular, size: float = 13) -> None:
        width = right - left
        words = text.split()
        lines, cur = [], ""
        for w in words:
            trial = (cur + " " + w).strip()
            indent = 30 if not lines else 0
            if font.text_length(trial, fontsize=size) > width - indent and cur:
                lines.append(cur)
                cur = w
            else:
                cur = trial
        lines.append(cur)
        for k, line in enumerate(lines):
            if state["y"] > 780:
                state["page"] = doc.new_page(width=595, height=842)
                state["y"] = 70
            put(line, None, state["y"], size, font, x=left + (30 if k == 0 else 0))
            state["y"] += 18

    for para in letter["body"]:
        paragraph(para, bold if para.endswith(":") and para.isupper() else regular)
    if state["y"] > 640:
        state["page"] = doc.new_page(width=595, height=842)
        state["y"] = 70
    y = state["y"] + 14
    put("Nơi nhận:", None, y, 12, bold, x=left)
    for k, line in enumerate(letter["noi_nhan"]):
        put(line, None, y + 14 * (k + 1), 11, regular, x=left)
    sig_x = 420.0
    for k, line in enumerate(letter["authority"] + [letter["signer_title"]]):
        put(line, sig_x, y + 15 * k, 13, bold)
    put(letter["signer"], sig_x, y + 15 * len(letter["authority"]) + 80, 13, bold)
    doc.set_metadata({"title": letter["name"], "creationDate": "D:20250101000000+07'00'",
                      "modDate": "D:20250101000000+07'00'", "producer": "vanthu samples"})
    doc.save(path, garbage=3, deflate=True, no_new_id=True)


# ---------------------------------------------------------------------------- DOCX

def write_docx(letter: dict, path: Path) -> None:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def cell_lines(cell, lines: list[tuple[str, bool]]) -> None:
        cell.paragraphs[0].text = ""
        first = True
        for text, is_bold in lines:
            par = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = par.add_run(text)
            run.bold = is_bold

    head = doc.add_table(rows=1, cols=2)
    left = [(t, False) for t in letter["parent"]] + [(t, True) for t in letter["issuer"]]
    left += [("_______", False), (letter["number"], False)] + [(t, False) for t in letter["vv"]]
    right = [(MOTTO[0], True), (MOTTO[1], True), ("________________", False),
             (letter["date"], False)]
    cell_lines(head.rows[0].cells[0], left)
    cell_lines(head.rows[0].cells[1], right)
    if letter["mark"]:
        doc.add_paragraph().add_run(letter["mark"]).bold = True
    if letter["title"]:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(letter["title"]).bold = True
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(" ".join(letter["subject"])).bold = True
        if letter.get("authority_line"):
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(letter["authority_line"]).bold = True
    if letter["kinh_gui"]:
        doc.add_paragraph("Kính gửi:")
        for line in letter["kinh_gui"]:
            doc.add_paragraph("- " + line)
    for para in letter["body"]:
        doc.add_paragraph(para)
    foot = doc.add_table(rows=1, cols=2)
    cell_lines(foot.rows[0].cells[0],
               [("Nơi nhận:", True)] + [(t, False) for t in letter["noi_nhan"]])
    right = [(t, True) for t in letter["authority"] + [letter["signer_title"]]]
    right += [("", False), ("", False), (letter["signer"], True)]
    cell_lines(foot.rows[0].cells[1], right)
    doc.core_properties.title = letter["name"]
    doc.save(path)
    _fix_zip_times(path)


def _fix_zip_times(path: Path) -> None:
    """Give every member a fixed timestamp so the file's bytes (and doc_id) do not change."""
    import zipfile

    members = []
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            members.append((info.filename, zf.read(info.filename)))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)


# ---------------------------------------------------------------------------- HTML, TXT

def write_html(letter: dict, path: Path) -> None:
    def ps(lines, bold=False):
        tag = ("<b>", "</b>") if bold else ("", "")
        return "".join(f"<p>{tag[0]}{t}{tag[1]}</p>" for t in lines)

    left = (ps(letter["parent"]) + ps(letter["issuer"], True) + ps([letter["number"]])
            + ps(letter["vv"]))
    right = ps(MOTTO, True) + ps([letter["date"]])
    parts = [
        "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>"
        f"{letter['name']}</title><style>td{{vertical-align:top}}</style></head><body>",
        "<nav><a href='/'>Trang chủ</a> &gt; <a href='/vb'>Văn bản</a></nav>",
        "<div class='menu'><ul><li>Giới thiệu</li><li>Tin tức</li><li>Liên hệ</li></ul></div>",
        "<main><div class='van-ban'>",
        f"<table><tr><td>{left}</td><td>{right}</td></tr></table>",
    ]
    if letter["mark"]:
        parts.append(f"<p><b>{letter['mark']}</b></p>")
    if letter["title"]:
        parts.append(f"<p style='text-align:center'><b>{letter['title']}</b></p>")
        parts.append(f"<p style='text-align:center'><b>{' '.join(letter['subject'])}</b></p>")
        if letter.get("authority_line"):
            parts.append(f"<p style='text-align:center'><b>{letter['authority_line']}</b></p>")
    if letter["kinh_gui"]:
        parts.append("<p>Kính gửi:</p>" + ps(["- " + t for t in letter["kinh_gui"]]))
    parts.append(ps(letter["body"]))
    sig = ps(letter["authority"] + [letter["signer_title"]], True) + "<p>(Đã ký)</p>" + ps(
        [letter["signer"]], True
    )
    parts.append(
        f"<table><tr><td>{ps(['Nơi nhận:'], True)}{ps(letter['noi_nhan'])}</td>"
        f"<td>{sig}</td></tr></table>"
    )
    parts.append("</div></main><footer><p>Cổng thông tin điện tử. Bản quyền thuộc về cơ quan.</p>"
                 "</footer></body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def write_txt(letter: dict, path: Path) -> None:
    out = []
    out += letter["parent"] + letter["issuer"] + ["", letter["number"]] + letter["vv"] + [""]
    out += MOTTO + ["", "   " + letter["date"], ""]
    if letter["mark"]:
        out += [letter["mark"], ""]
    if letter["title"]:
        out += [letter["title"]] + letter["subject"] + [""]
        if letter.get("authority_line"):
            out += [letter["authority_line"], ""]
    if letter["kinh_gui"]:
        out += ["Kính gửi:"] + ["- " + t for t in letter["kinh_gui"]] + [""]
    for para in letter["body"]:
        out += textwrap.wrap(para, 90) + [""]
    out += ["Nơi nhận:"] + letter["noi_nhan"] + [""]
    out += letter["authority"] + [letter["signer_title"], "", "", letter["signer"], ""]
    path.write_text("\n".join(out), encoding="utf-8")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for letter in LETTERS:
        write_pdf(letter, OUT / f"{letter['name']}.pdf")
        write_docx(letter, OUT / f"{letter['name']}.docx")
        write_html(letter, OUT / f"{letter['name']}.html")
        write_txt(letter, OUT / f"{letter['name']}.txt")
    seeds_out = ROOT / "samples" / "seeds"
    if SEEDS.is_dir():
        seeds_out.mkdir(parents=True, exist_ok=True)
        for seed in sorted(SEEDS.glob("*.txt")):
            shutil.copyfile(seed, seeds_out / seed.name)
    print(f"wrote {len(LETTERS) * 4} letters to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
