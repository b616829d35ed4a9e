"""Organisations: one id for every spelling of a body, in headers, Kính gửi, Nơi nhận and
bodies, and the writer of a letter that lost its header."""

from __future__ import annotations

import re

import pytest

from extractors.organisations import first_id, issuer_id_of, mentions
from pipeline.rules.gazetteer import gazetteer
from pipeline.runner import process_file
from tests.conftest import ROOT, SAMPLES, shared_file

SEEDS = SAMPLES / "seeds"


@pytest.mark.parametrize("text", ["UBND tỉnh Quảng Ngãi", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
                                  "Ủy ban nhân dân tỉnh Quảng Ngãi", "UBND Quảng Ngãi"])
def test_every_spelling_is_one_id(text):
    assert first_id(text) == "ubnd@quang-ngai"


@pytest.mark.parametrize(
    "text, province, org",
    [
        ("Bộ Thông tin và Truyền thông", None, "btttt"),
        ("Bộ TTTT (b/c)", None, "btttt"),
        ("Sở Thông tin và Truyền thông các tỉnh, thành phố trực thuộc Trung ương", None,
         "stttt@*"),
        ("Sở Xây dựng tỉnh Bình Định", None, "sxd@binh-dinh"),
        ("Sở Nội vụ", "ha-noi", "snv@ha-noi"),
        ("Sở Nội vụ", None, None),  # which province's: not said, no id
        ("Các Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", None, "bo@*"),
        ("UBND TP. Hồ Chí Minh", None, "ubnd@ho-chi-minh"),
        ("Vụ Hợp tác quốc tế, Bộ Thông tin và Truyền thông", None, "btttt/htqt"),
        # "TU" is Tỉnh ủy only as a symbol's part: "từ" in a sentence is no body
        ("thực hiện từ ngày 01/7/2025", "ha-noi", None),
    ],
)
def test_bodies_in_text(text, province, org):
    assert first_id(text, province=province) == org


def test_the_writers_own_people_and_files_only_in_lists():
    assert first_id("Lưu: VT, HTQT", owner="btttt", lists=True) == "btttt/luu"
    assert mentions("phòng chống dịch", owner="btttt") == []


@pytest.mark.parametrize(
    "issuer, parent, place, org",
    [
        ("SỞ XÂY DỰNG", "UBND TỈNH BÌNH ĐỊNH", "Bình Định", "sxd@binh-dinh"),
        ("VĂN PHÒNG", "UBND THÀNH PHỐ HÀ NỘI", "Hà Nội", "vp-ubnd@ha-noi"),
        ("ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", None, "Lâm Đồng", "ubnd@lam-dong"),
        ("BỘ THÔNG TIN VÀ TRUYỀN THÔNG", None, "Hà Nội", "btttt"),
    ],
)
def test_issuer_ids(issuer, parent, place, org):
    assert issuer_id_of(issuer, parent, place) == org


def test_the_gazetteer_holds_the_provinces_before_and_after_the_2025_mergers():
    gaz = gazetteer()
    assert len(gaz.provinces) == 63
    assert len([p for p in gaz.provinces.values() if p.merged_into is None]) == 34
    assert gaz.now("stttt@phu-yen") == "stttt@dak-lak"
    assert gaz.now("btttt") == "bkhcn"
    assert gaz.name("stttt@phu-yen") == "Sở Thông tin và Truyền thông tỉnh Phú Yên"


def test_a_headerless_letter_gets_its_writer_from_its_body(monkeypatch):
    monkeypatch.chdir(ROOT)
    rec = process_file(next(SEEDS.glob("001_*.txt")).relative_to(ROOT))
    assert (rec.issuer, rec.issuer_id) == ("Bộ Thông tin và Truyền thông", "btttt")
    prov = rec.provenance["issuer"]
    assert prov.source == "inferred" and prov.confidence < 1
    assert prov.text.startswith("Bộ Thông tin và Truyền thông trân trọng thông báo")


def test_a_plan_without_its_issuer_gets_it_from_symbol_body_and_place(monkeypatch):
    monkeypatch.chdir(ROOT)
    rec = process_file(next(SEEDS.glob("003_*.txt")).relative_to(ROOT))
    assert rec.issuer == "Sở Thông tin và Truyền thông tỉnh Phú Yên"
    assert rec.issuer_id == "stttt@phu-yen"
    assert rec.provenance["issuer"].source == "inferred"


def test_symbol_and_body_that_disagree_leave_the_issuer_empty():
    from tests.extractors.test_fields import rec_of

    text = "\n".join(["Số: 12/BTC-NSNN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                      "Hà Nội, ngày 05 tháng 02 năm 2024", "",
                      "Bộ Xây dựng trân trọng thông báo như sau.", "",
                      "Nơi nhận:", "- Lưu: VT.", "BỘ TRƯỞNG", "Lê Văn An"])
    rec = rec_of(text)
    assert rec.issuer is None and any("not inferred" in w for w in rec.warnings)


def test_every_body_of_the_samples_headers_and_lists_has_an_id(monkeypatch):
    """Each issuer, recipient and distribution entry of the samples that names a body (not
    an archive copy of another format) has an id; the ones without are listed."""
    monkeypatch.chdir(ROOT)
    missing = []
    for path in sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".txt", ".docx", ".pdf",
                                                                    ".html")):
        rec = process_file(path.relative_to(ROOT))
        if rec.issuer and not rec.issuer_id:
            missing.append((path.name, rec.issuer))
        for name, org in [*zip(rec.recipients, rec.recipient_ids, strict=True),
                          *zip(rec.distribution, rec.distribution_ids, strict=True)]:
            if org is None:
                missing.append((path.name, name))
    assert missing == []


def test_the_bodies_a_letter_speaks_of_are_kept_with_their_page():
    """qn-05-TB-UBND-2025 (a text PDF of UBND tỉnh Quảng Ngãi) hands work to its Sở in the
    body: each is kept once, with its id in Quảng Ngãi and the page where it is first named;
    the issuer's own units are not, and no part of a cited code (``…/QĐ-TTg``) is a body."""
    rec = process_file(shared_file("corpus/text-pdf/qn-05-TB-UBND-2025.pdf"))
    got = {(o.org_id, o.page) for o in rec.organisations}
    assert {("stc@quang-ngai", 1), ("skhdt@quang-ngai", 1), ("snv@quang-ngai", 2),
            ("ttra@quang-ngai", 1)} <= got
    ids = [o.org_id for o in rec.organisations]
    assert len(ids) == len(set(ids)) and all(o.role == "body" for o in rec.organisations)
    assert rec.provenance["organisations"].page == 1


def test_a_national_letter_gives_no_province_to_a_bare_body():
    """vbpl-doc_000029, a Nghị quyết of the Chính phủ dated in Hà Nội, speaks of every
    province's ``Ủy ban nhân dân``: not of Hà Nội's, so the bare name has no id, and the
    ``HĐND, UBND các tỉnh …`` of its Nơi nhận is not ``hdnd@ha-noi``."""
    rec = process_file(shared_file("corpus/html/vbpl-doc_000029.html"))
    assert not any(o.org_id and o.org_id.endswith("@ha-noi") for o in rec.organisations)
    assert not any(i and i.endswith("@ha-noi") for i in rec.distribution_ids)
    assert ("ubnd@*", "Ủy ban nhân dân các tỉnh, thành phố") in {
        (o.org_id, o.name) for o in rec.organisations}


# ------------------------------------------------------------- bodies below the province
# Real entries: qn-46-TB-UBND-2025 (scan) sends a copy to "UBND huyện Tư Nghĩa" and writes to
# a couple at "… xã Nghĩa Hòa, huyện Tư Nghĩa, tỉnh Quảng Ngãi"; qn-vht507-TB-UBND-2024 invites
# "UBND các huyện: Ba Tơ, …"; qn-07-CT-UBND-2018 sends to "UBND các huyện thành phố";
# vbpl-doc_000017 names "Ủy ban nhân dân xã, phường, đặc khu" and vbpl-doc_000030 "Ủy ban
# nhân dân cấp xã".
@pytest.mark.parametrize(
    "text, province, org",
    [
        ("UBND huyện Tư Nghĩa", "quang-ngai", "ubnd-huyen:tu-nghia@quang-ngai"),
        ("Ủy ban nhân dân huyện Tư Nghĩa", "quang-ngai", "ubnd-huyen:tu-nghia@quang-ngai"),
        ("ỦY BAN NHÂN DÂN HUYỆN TƯ NGHĨA", "quang-ngai", "ubnd-huyen:tu-nghia@quang-ngai"),
        # the province written after the name wins over the letter's
        ("UBND xã Nghĩa Hòa, tỉnh Quảng Ngãi", "ha-noi", "ubnd-xa:nghia-hoa@quang-ngai"),
        # no province said anywhere: the id has none
        ("HĐND huyện Tư Nghĩa", None, "hdnd-huyen:tu-nghia"),
        ("UBND thị xã Đức Phổ", "quang-ngai", "ubnd-thi-xa:duc-pho@quang-ngai"),
        ("UBND Phường 3", "ho-chi-minh", "ubnd-phuong:3@ho-chi-minh"),
        # "Tịnh" folds to "tinh" as "tỉnh" does, and is a name's word
        ("UBND huyện Sơn Tịnh", "quang-ngai", "ubnd-huyen:son-tinh@quang-ngai"),
        ("UBND thị xã Tịnh Biên", "an-giang", "ubnd-thi-xa:tinh-bien@an-giang"),
        ("UBND xã Tịnh Khê", "quang-ngai", "ubnd-xa:tinh-khe@quang-ngai"),
        ("UBND HUYỆN SƠN TỊNH TỈNH QUẢNG NGÃI", None, "ubnd-huyen:son-tinh@quang-ngai"),
        # a centrally-run city is the province itself; a province's city named like it is not
        ("UBND thành phố Hà Nội", None, "ubnd@ha-noi"),
        ("UBND thành phố Quảng Ngãi, tỉnh Quảng Ngãi", None,
         "ubnd-thanh-pho:quang-ngai@quang-ngai"),
        ("UBND thành phố Quảng Ngãi", "quang-ngai", "ubnd-thanh-pho:quang-ngai@quang-ngai"),
        # a person's name, a title or a verb after the name is not the name's
        ("Giao UBND xã Nghĩa Hòa Chủ trì, phối hợp", "quang-ngai", "ubnd-xa:nghia-hoa@quang-ngai"),
        ("UBND huyện Tư Nghĩa Phó Chủ tịch Lê Hải", "quang-ngai", "ubnd-huyen:tu-nghia@quang-ngai"),
        # a family name inside a place's name is the name's: "Hoàng Mai", "Từ Liêm", "Thanh Hà"
        ("UBND quận Hoàng Mai", "ha-noi", "ubnd-quan:hoang-mai@ha-noi"),
        ("UBND quận Nam Từ Liêm báo cáo", "ha-noi", "ubnd-quan:nam-tu-liem@ha-noi"),
        ("UBND phường Lê Đại Hành", "ha-noi", "ubnd-phuong:le-dai-hanh@ha-noi"),
        # an address names no body
        ("Bà Huỳnh Thị Gái, ông Trần Ngọc Vinh (Địa chỉ: Thôn Thu Xà, xã Nghĩa Hòa, huyện Tư "
         "Nghĩa, tỉnh Quảng Ngãi)", "quang-ngai", None),
        ("Đại diện lãnh đạo UBND các huyện: Ba Tơ, Minh Long, Sơn Hà, Sơn Tây, Trà Bồng; "
         "Phòng KGVX - Văn phòng UBND tỉnh", "quang-ngai", "ubnd-huyen@*"),
        ("UBND các huyện thành phố", "quang-ngai", "ubnd-huyen@*"),
        # a level without a name is no body, not the letter's own province's UBND
        ("Ủy ban nhân dân xã, phường, đặc khu thuộc tỉnh", "quang-ngai", None),
        ("Ủy ban nhân dân cấp xã", "quang-ngai", None),
        # "thành phố" before a province is the province; alone, in its own letter, too
        ("UBND thành phố Hà Nội", None, "ubnd@ha-noi"),
        ("UBND Thành phố", "ha-noi", "ubnd@ha-noi"),
        # a Phòng of a district, as its own header names it
        ("Phòng Tài chính - Kế hoạch thuộc UBND huyện Tư Nghĩa", "quang-ngai",
         "ubnd-huyen:tu-nghia@quang-ngai/phong-tai-chinh-ke-hoach"),
    ],
)
def test_local_bodies_get_an_id_built_from_their_name(text, province, org):
    assert first_id(text, province=province, owner="ubnd@quang-ngai", lists=True) == org


def test_a_local_bodys_name_stops_before_a_persons():
    found = mentions("Phó Chủ tịch UBND huyện Tư Nghĩa Trần Văn Hải chủ trì cuộc họp.",
                     province="quang-ngai")
    assert [(m.id, m.text) for m in found] == [("ubnd-huyen:tu-nghia@quang-ngai",
                                                "UBND huyện Tư Nghĩa")]


@pytest.mark.parametrize(
    "issuer, parent, place, org",
    [
        ("ỦY BAN NHÂN DÂN HUYỆN TƯ NGHĨA", None, "Tư Nghĩa", "ubnd-huyen:tu-nghia"),
        ("ỦY BAN NHÂN DÂN XÃ NGHĨA HÒA", "UBND TỈNH QUẢNG NGÃI", None,
         "ubnd-xa:nghia-hoa@quang-ngai"),
        ("PHÒNG TÀI CHÍNH - KẾ HOẠCH", "UBND HUYỆN TƯ NGHĨA", "Tư Nghĩa",
         "ubnd-huyen:tu-nghia/phong-tai-chinh-ke-hoach"),
    ],
)
def test_local_issuers(issuer, parent, place, org):
    assert issuer_id_of(issuer, parent, place) == org


def test_a_task_handed_to_a_district():
    from tests.extractors.test_fields import letter, rec_of

    head = ["UBND TỈNH QUẢNG NGÃI", "SỞ NỘI VỤ", "Số: 127/SNV-VP",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Quảng Ngãi, ngày 15 tháng 5 năm 2025",
            "V/v rà soát hồ sơ lưu trữ"]
    rec = rec_of(letter(head, ["Đề nghị UBND huyện Tư Nghĩa báo cáo kết quả rà soát trước "
                               "ngày 30/5/2025."]))
    (d,) = rec.deadlines
    assert (d.kind, d.assignee_id) == ("action", "ubnd-huyen:tu-nghia@quang-ngai")
    assert rec.tasks[0].lead_id == "ubnd-huyen:tu-nghia@quang-ngai"


def test_a_districts_own_letter_and_a_provinces_letter_give_it_one_id():
    """The district's header and place (``Tư Nghĩa, ngày …``) do not name its province; the
    bodies it writes to do, and a letter of Quảng Ngãi places a bare district there too."""
    from tests.extractors.test_fields import letter, rec_of

    head = ["UBND HUYỆN TƯ NGHĨA", "PHÒNG TÀI CHÍNH - KẾ HOẠCH", "Số: 12/BC-TCKH",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Tư Nghĩa, ngày 20 tháng 5 năm 2025",
            "BÁO CÁO", "Kết quả rà soát hồ sơ lưu trữ"]
    own = rec_of(letter(head, ["Thực hiện Công văn số 127/SNV-VP của Sở Nội vụ tỉnh Quảng Ngãi, "
                               "Phòng Tài chính - Kế hoạch báo cáo UBND tỉnh Quảng Ngãi như sau.",
                               "Đề nghị UBND xã Nghĩa Hòa báo cáo trước ngày 30/5/2025."]))
    assert own.issuer_id == "ubnd-huyen:tu-nghia@quang-ngai/phong-tai-chinh-ke-hoach"
    assert own.deadlines[0].assignee_id == "ubnd-xa:nghia-hoa@quang-ngai"
    named = first_id("Phòng Tài chính - Kế hoạch thuộc UBND huyện Tư Nghĩa", province="quang-ngai",
                     owner="ubnd@quang-ngai", lists=True)  # a copy in a Nơi nhận of Quảng Ngãi
    assert named == own.issuer_id


def test_a_districts_letter_that_names_two_provinces_keeps_an_id_without_one():
    from tests.extractors.test_fields import letter, rec_of

    head = ["ỦY BAN NHÂN DÂN HUYỆN TƯ NGHĨA", "Số: 12/UBND", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Tư Nghĩa, ngày 20 tháng 5 năm 2025", "V/v học tập kinh nghiệm"]
    rec = rec_of(letter(head, ["UBND huyện Tư Nghĩa đề nghị UBND tỉnh Quảng Ngãi cho phép "
                               "đoàn công tác làm việc với UBND tỉnh Bình Định."]))
    assert rec.issuer_id == "ubnd-huyen:tu-nghia"


# ------------------------------------------------------------------ the writer's own units
@pytest.mark.parametrize(
    "entry, owner, org",
    [
        # vbpl-doc_000010 and _000011: another body's office, not the writer's "phòng"
        ("Văn phòng Quốc hội", "bct", "qh/vp"),
        ("Văn phòng Chủ tịch nước", "cp", "ctn/vp"),
        ("Văn phòng Trung ương và các Ban của Đảng", "cp", None),
        # vbpl-doc_000005 (Bộ Xây dựng): a Cục of the Bộ Tư pháp
        ("Cục Kiểm tra văn bản và QLXLVPHC (Bộ Tư pháp)", "bxd", "btp/phong"),
        # qn-05-TB-UBND-2025: "Nội vụ" is not a "Vụ" of the UBND
        ("Các Sở: Tài chính, Kế hoạch và Đầu tư, Tài nguyên và Môi trường, Xây dựng, Lao động "
         "- Thương binh và Xã hội, Nội vụ, Tư pháp", "ubnd@quang-ngai", None),
        # qn-vht507-TB-UBND-2024: a Phòng of the Văn phòng UBND
        ("Phòng KGVX - Văn phòng UBND tỉnh", "ubnd@quang-ngai", "vp-ubnd@quang-ngai/phong"),
        # seed 003 (Sở TTTT Phú Yên): its own Phòng, and its Văn phòng
        ("Phòng TT-BC-XB, VP Sở", "stttt@phu-yen", "stttt@phu-yen/phong"),
        ("VP Sở", "stttt@phu-yen", "stttt@phu-yen/vp"),
        ("VP Sở", "btttt", None),  # a Bộ has no "Văn phòng Sở"
    ],
)
def test_the_writers_units_only_when_they_are_its(entry, owner, org):
    province = "quang-ngai" if "quang-ngai" in owner else None
    assert first_id(entry, province=province, owner=owner, lists=True) == org


def test_the_writers_units_named_in_the_body():
    """vbpl-doc_000013 (Bộ Công Thương): ``Các đơn vị thuộc Bộ có trách nhiệm báo cáo …`` are
    its own units; ``thuộc Bộ Giáo dục và Đào tạo`` goes on with another name, and in a
    letter of a Sở ``các đơn vị thuộc Bộ`` are not the Sở's."""
    said = "Các đơn vị thuộc Bộ có trách nhiệm báo cáo Lãnh đạo Bộ"
    assert [m.id for m in mentions(said, owner="bct")] == ["bct/don-vi"]
    other = mentions("các đơn vị thuộc Bộ Giáo dục và Đào tạo", owner="bct")
    assert [m.id for m in other] == ["bgddt"]
    assert mentions(said, owner="snv@ha-noi") == []
    found = mentions("Giao các phòng, đơn vị thuộc Sở và Văn phòng Sở triển khai",
                     owner="snv@ha-noi")
    assert [m.id for m in found] == ["snv@ha-noi/don-vi", "snv@ha-noi/vp"]


def test_ids_are_ascii_and_stable():
    """Every id given to the corpus's and the samples' lists is ASCII with no space, and the
    same on a second reading."""
    paths = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".txt", ".html", ".pdf"))
    for path in paths:
        rec = process_file(path)
        ids = [rec.issuer_id, *rec.recipient_ids, *rec.distribution_ids,
               *(o.org_id for o in rec.organisations)]
        for org in filter(None, ids):
            assert re.fullmatch(r"[a-z0-9@*:/_-]+", org), (path.name, org)
        again = process_file(path)
        assert again.recipient_ids == rec.recipient_ids
        assert [o.org_id for o in again.organisations] == [o.org_id for o in rec.organisations]
