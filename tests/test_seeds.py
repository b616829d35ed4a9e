"""The five seed documents, labelled by hand: every field the text carries, and nothing more.

002 is a news article that quotes a letter: it has no header, number or signer of its own,
so only the letter it cites is a value.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.runner import process_file
from schemas.record import Contact, Deadline
from tests.conftest import SAMPLES

SEEDS = SAMPLES / "seeds"

DISTRIBUTION_000 = ["Như trên", "Bộ trưởng Nguyễn Mạnh Hùng (để b/c)", "Thứ trưởng Phan Tâm",
                    "Lưu: VT, HTQT, ĐNT"]

EXPECTED = {
    "000_42e6ccbbfb6392cd.txt": dict(
        status="ok", doc_type="Công văn", doc_type_code="CV", number=None, symbol="BTTTT-HTQT",
        code="/BTTTT-HTQT", issuer="BỘ THÔNG TIN VÀ TRUYỀN THÔNG", issuer_parent=None,
        place="Hà Nội", issue_date=None, issue_year=2021, issue_month=None,
        subject="tổ chức hoạt động nhân Ngày Viễn thông và Xã hội thông tin thế giới 2021",
        recipients=[], distribution=DISTRIBUTION_000, signer_name="Phan Tâm",
        signer_title="THỨ TRƯỞNG", signing_authority="KT. BỘ TRƯỞNG", urgency=None, secrecy=None,
        references=[],
        contacts=[Contact("Đào Ngọc Tuyển", "0912802454", "dntuyen@mic.gov.vn")],
        deadline_dates=[dt.date(2021, 6, 4)],
        signature_times=["2021-05-06T13:40:32+07:00"] + ["2021-05-07T19:17:57+07:00"] * 4,
        signature_signers=["Phan Tâm", None, None, None, None],
    ),
    "001_a3362bc11ce5a8d3.txt": dict(
        # the header is lost; the body names the writer: "Bộ Thông tin và Truyền thông trân
        # trọng thông báo …" (an inferred issuer, which the symbol cannot confirm: there is none)
        status="partial", doc_type=None, number=None, symbol=None, code=None,
        issuer="Bộ Thông tin và Truyền thông",
        place=None, issue_date=None, issue_year=None, subject=None,
        recipients=["Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc Trung ương"],
        distribution=["Như trên", "Bộ trưởng (để b/c)", "Thứ trưởng Phan Tâm (để b/c)",
                      "Lưu: VT, HTQT, QQ.(68b)"],
        signer_name="Triệu Minh Long", signer_title="PHÓ VỤ TRƯỞNG",
        signing_authority="TL. BỘ TRƯỞNG / KT. VỤ TRƯỞNG VỤ HỢP TÁC QUỐC TẾ",
        references=[],
        contacts=[Contact(None, None, "nqquyen@mic.gov.vn"),
                  Contact("Nguyễn Thị Khánh Thuận", "(024) 38229377", "ntkthuan@mic.gov.vn")],
        deadline_dates=[dt.date(2020, 6, 5)], signature_times=[], signature_signers=[],
    ),
    "002_1022cb6baf385756.txt": dict(
        status="partial", doc_type=None, number=None, symbol=None, code=None, issuer=None,
        issue_year=None, subject=None, recipients=[], distribution=[], signer_name=None,
        signer_title=None, signing_authority=None,
        references=[("Công văn", "904/STTTT-BCVT", None, "cites")],
        contacts=[], deadline_dates=[], signature_times=[], signature_signers=[],
    ),
    "003_8b36292388a6cced.txt": dict(
        # the issuer, missing from the header, is the symbol's STTTT of the place Phú Yên, as
        # the body says: "Sở Thông tin và Truyền thông xây dựng Kế hoạch …"
        status="ok", doc_type="Kế hoạch", doc_type_code="KH", number=None,
        symbol="KH-STTTT", code="/KH-STTTT", issuer="Sở Thông tin và Truyền thông tỉnh Phú Yên",
        place="Phú Yên", issue_date=None,
        issue_year=2021, issue_month=5,
        subject="Tổ chức tuyên truyền Ngày Viễn thông và Xã hội thông tin thế giới năm 2021",
        recipients=[],
        distribution=["Bộ TTTT (b/c)", "Ban Giám đốc", "Phòng TT-BC-XB, VP Sở",
                      "P.VH TT, TT VH-TT và TT-TT cấp huyện", "Các DN Bưu chính, Viễn thông",
                      "Lưu: VT, BCVT"],
        signer_name="Trần Thanh Hưng", signer_title="GIÁM ĐỐC", signing_authority=None,
        references=[("Công văn", "1453/BTTTT-HTQT", dt.date(2021, 5, 7), "implements")],
        contacts=[], deadline_dates=[], signature_times=[], signature_signers=[],
    ),
    "004_6568c36e68d1f851.txt": dict(
        status="ok", doc_type="Công văn", doc_type_code="CV", number="4644",
        symbol="BTTTT-CĐSQG", code="4644/BTTTT-CĐSQG", issuer="BỘ THÔNG TIN VÀ TRUYỀN THÔNG",
        issuer_parent=None, place="Hà Nội", issue_date=dt.date(2022, 9, 13), issue_year=2022,
        issue_month=9,
        subject="triển khai Quyết định số 505/QĐ-TTg ngày 22/4/2022 của Thủ tướng Chính phủ "
        "về Ngày Chuyển đổi số quốc gia",
        recipients=["Các Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
                    "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"],
        distribution=["Như trên", "Bộ trưởng (để b/c)", "Thứ trưởng Nguyễn Huy Dũng",
                      "Đơn vị chuyên trách CNTT các Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
                      "Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc Trung ương",
                      "Lưu: VT, CĐSQG"],
        signer_name="Nguyễn Huy Dũng", signer_title="THỨ TRƯỞNG", signing_authority="KT. BỘ TRƯỞNG",
        references=[
            ("Quyết định", "505/QĐ-TTg", dt.date(2022, 4, 22), "implements"),  # V/v triển khai
            ("Quyết định", "1092/QĐ-BTTTT", dt.date(2022, 6, 16), "cites"),
            ("Quyết định", "1491/QĐ-BTTTT", dt.date(2022, 8, 9), "cites"),
            ("Công văn", "4247/BTTTT-THH", None, "cites"),
        ],
        contacts=[Contact("Vũ Thị Nhung", "0916868700", "vtnhung@mic.gov.vn")],
        deadline_dates=[dt.date(2022, 9, 15)], signature_times=[], signature_signers=[],
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed(name):
    rec = process_file(SEEDS / name)
    expected = dict(EXPECTED[name])
    got = {
        "status": rec.status.value,
        "deadline_dates": [d.date for d in rec.deadlines],
        "signature_times": [s.signed_at.isoformat() for s in rec.signatures],
        "signature_signers": [s.signer for s in rec.signatures],
        "references": [(r.doc_type, r.code, r.date, r.relation) for r in rec.references],
    }
    for key in expected:
        if key not in got:
            got[key] = getattr(rec, key)
    assert got == expected


def test_seed_000_deadline_keeps_its_sentence():
    rec = process_file(SEEDS / "000_42e6ccbbfb6392cd.txt")
    assert rec.deadlines == [Deadline(
        dt.date(2021, 6, 4),
        "(iv) Báo cáo kết quả, bao gồm cả văn bản/hình ảnh/video (nếu có) gửi về Vụ Hợp tác quốc "
        "tế theo địa chỉ email: dntuyen@mic.gov.vn trước ngày 4/6/2021 để thông báo và cập nhật "
        "cho ITU.",
        kind="action",
        task="(iv) Báo cáo kết quả, bao gồm cả văn bản/hình ảnh/video (nếu có) gửi về Vụ Hợp tác "
        "quốc tế theo địa chỉ email: dntuyen@mic.gov.vn để thông báo và cập nhật cho ITU",
    )]
