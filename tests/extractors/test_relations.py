"""What a letter does with each document it cites, one row per relation phrase, on sentences
as real letters and the legal database write them."""

from __future__ import annotations

import pytest

from tests.extractors.test_fields import letter, rec_of

HEADER = ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: 256/QĐ-UBND",
          "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Lâm Đồng, ngày 08 tháng 7 năm 2024",
          "QUYẾT ĐỊNH", "Về việc thành lập Tổ công tác"]


def refs(body: list[str]) -> dict[str, str]:
    rec = rec_of(letter(HEADER, body))
    return {r.code: r.relation for r in rec.references}


@pytest.mark.parametrize(
    "sentence, code, relation",
    [
        ("Căn cứ Luật Tổ chức chính quyền địa phương số 77/2015/QH13 ngày 19 tháng 6 năm 2015;",
         "77/2015/QH13", "legal_basis"),
        ("Thực hiện Công văn số 1453/BTTTT-HTQT ngày 07/5/2021 của Bộ Thông tin và Truyền "
         "thông về việc tổ chức hoạt động nhân Ngày Viễn thông.", "1453/BTTTT-HTQT",
         "implements"),
        ("Trả lời Công văn số 512/UBND-KT ngày 02/3/2024 của Ủy ban nhân dân huyện Đức Trọng, "
         "Sở Xây dựng có ý kiến như sau:", "512/UBND-KT", "replies_to"),
        ("Phúc đáp Văn bản số 88/SXD-QLN ngày 02/3/2024 của Sở Xây dựng, Ủy ban nhân dân tỉnh "
         "có ý kiến như sau:", "88/SXD-QLN", "replies_to"),
        ("Điều 1. Sửa đổi, bổ sung một số điều của Quyết định số 15/2023/QĐ-UBND ngày 10 "
         "tháng 3 năm 2023 của Ủy ban nhân dân tỉnh.", "15/2023/QĐ-UBND", "amends"),
        ("Điều 3. Bãi bỏ Quyết định số 20/2019/QĐ-UBND ngày 05 tháng 4 năm 2019 của Ủy ban "
         "nhân dân tỉnh.", "20/2019/QĐ-UBND", "repeals"),
        ("Quyết định này thay thế Quyết định số 1200/QĐ-UBND ngày 01 tháng 6 năm 2020 của "
         "Ủy ban nhân dân tỉnh.", "1200/QĐ-UBND", "replaces"),
        ("Ngày 16/8/2022, Bộ Thông tin và Truyền thông đã có Văn bản số 4247/BTTTT-THH gửi "
         "các bộ, ngành, địa phương.", "4247/BTTTT-THH", "cites"),
    ],
)
def test_each_relation_phrase(sentence, code, relation):
    assert refs([sentence])[code] == relation


def test_the_clause_is_kept_as_the_citation_text():
    rec = rec_of(letter(HEADER, ["Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ "
                                 "tướng Chính phủ phê duyệt Chương trình Chuyển đổi số quốc gia;"]))
    (ref,) = rec.references
    assert ref.text.startswith("Căn cứ Quyết định số 749/QĐ-TTg")


def test_citations_joined_by_va_share_the_phrase():
    got = refs(["Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 và Thông tư số "
                "01/2011/TT-BNV ngày 19/01/2011;"])
    assert got == {"30/2020/NĐ-CP": "legal_basis", "01/2011/TT-BNV": "legal_basis"}


def test_a_passive_amendment_is_what_one_cited_law_did_to_another():
    """``Luật A được sửa đổi, bổ sung bởi Luật B``: both are the letter's legal basis; the
    letter amends neither (the legal database writes its preambles so)."""
    got = refs(["Căn cứ Luật Xây dựng số 50/2014/QH13 được sửa đổi, bổ sung bởi Luật số "
                "62/2020/QH14;"])
    assert got == {"50/2014/QH13": "legal_basis", "62/2020/QH14": "legal_basis"}


def test_a_phrase_of_another_clause_does_not_reach_the_citation():
    got = refs(["Thực hiện nhiệm vụ được giao, Bộ Thông tin và Truyền thông đã xây dựng và "
                "ban hành Quyết định số 1092/QĐ-BTTTT ngày 16/6/2022."])
    assert got == {"1092/QĐ-BTTTT": "cites"}
