"""Organisations: one id for every spelling of a body, in headers, Kính gửi, Nơi nhận and
bodies, and the writer of a letter that lost its header."""

from __future__ import annotations

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
