"""The rule files: each one loads, each pattern is compiled, and a bad edit is refused at
load with the file and the key named."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from pipeline.rules import MODELS, RULE_FILES, RULES_DIR, RuleError, build, load, rules
from pipeline.rules.loader import files


def _patterns(value: Any) -> list[Any]:
    """Every value of a rule file's model that its field declares a pattern."""
    if isinstance(value, BaseModel):
        out = []
        for name, info in type(value).model_fields.items():
            field_value = getattr(value, name)
            if "Pattern" in str(info.annotation):
                items = field_value if isinstance(field_value, tuple) else (field_value,)
                out.extend(p for p in items if p is not None)
            else:
                out.extend(_patterns(field_value))
        return out
    if isinstance(value, tuple):
        return [p for item in value for p in _patterns(item)]
    return []


def test_every_yaml_file_is_a_rule_file():
    assert set(RULE_FILES) == set(MODELS) == {p.stem for p in RULES_DIR.glob("*.yaml")}


def test_every_file_loads_and_every_pattern_is_compiled():
    loaded = files()
    assert set(loaded) == set(RULE_FILES)
    patterns = [p for model in loaded.values() for p in _patterns(model)]
    assert len(patterns) >= 30  # the anchors alone are 24
    assert all(isinstance(p, re.Pattern) for p in patterns), [
        p for p in patterns if not isinstance(p, re.Pattern)]
    r = rules()
    assert r.anchors and all(isinstance(p, re.Pattern) for p in r.anchors.values())
    for p in (r.email, r.phone, r.stamp_cues, r.stamp_time, r.deadline, r.reference,
              r.honorific_name, r.date_numeric, *(t.pattern for t in r.legacy.values())):
        assert isinstance(p, re.Pattern)
    assert r.anchors["motto_folded"].flags & re.IGNORECASE  # *_folded patterns ignore case
    assert not r.anchors["number"].flags & re.IGNORECASE


def test_tables_built_from_the_files():
    r = rules()
    assert r.type_by_code["TTr"].name == "Tờ trình" and r.type_by_code["QyĐ"].name == "Quy định"
    assert r.type_of_code("QH15").name == "Luật" and r.type_of_code("QH") is not None
    assert r.type_of_code("BTTTT") is None and r.plain_letter.name == "Công văn"
    assert r.deputy("BỘ TRƯỞNG") == "THỨ TRƯỞNG" and r.deputy("GIÁM ĐỐC") == "PHÓ GIÁM ĐỐC"
    assert r.stamp_cue_kind["THOI GIAN KY"] == "time"
    assert r.legacy["vni"].mapping["Uû"] == "Ủ"  # a title-case VNI pair, derived at load
    assert "PHÓ CHỦ TỊCH" in r.ocr_phrases
    m = r.deadline.search("gửi về Vụ Hợp tác quốc tế trước ngày 4/6/2021 để thông báo")
    assert m is not None and m.group("y") == "2021"
    m = r.honorific_name.search("Anh Đào Ngọc Tuyển, Di động: 0912802454")
    assert m is not None and m.group("name") == "Đào Ngọc Tuyển"
    assert rules() is r  # read once per process


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(parents=True)
    for path in RULES_DIR.glob("*.yaml"):
        shutil.copyfile(path, folder / path.name)
    return folder


def _edit(folder: Path, name: str, change) -> None:
    path = folder / f"{name}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")


def _set(key: str, value: Any):
    def change(data: dict) -> None:
        data[key] = value
    return change


def _drop(key: str):
    def change(data: dict) -> None:
        del data[key]
    return change


BROKEN = [
    # (file, change, message the error must hold)
    ("anchors", _drop("trailing_code"), "anchors.yaml: trailing_code is missing"),
    ("anchors", _set("number", "(?P<number>\\d+"), "anchors.yaml: number does not compile: "),
    ("anchors", _set("vv_line", ""), "anchors.yaml: vv_line must not be empty"),
    ("anchors", _set("vv_line", 42), "anchors.yaml: vv_line must be a string pattern"),
    ("anchors", _set("number_lines", "^S"), "anchors.yaml: number_lines is not a known key"),
    ("marks", _set("urgency", ["KHẨN", ""]), "marks.yaml: urgency[1] must not be empty"),
    ("marks", _set("secrecy", []), "marks.yaml: secrecy must not be empty"),
    ("marks", _set("secrecy", "MẬT"), "marks.yaml: secrecy must be a list"),
    ("contacts", _set("phone_min_digits", "9"), "contacts.yaml: phone_min_digits must be a whole"),
    ("contacts", _set("phone_max_digits", 5), "contacts.yaml: phone_min_digits is more than"),
    ("contacts", _set("name", "(?P<name>[{UPPER}]+"), "contacts.yaml: name does not compile: "),
    ("doc_types", lambda d: d["types"][3].pop("code"), "doc_types.yaml: types[3].code is missing"),
    ("doc_types", lambda d: d["types"][0].update(symbol_only="yes"),
     "doc_types.yaml: types[0].symbol_only must be true or false"),
    ("doc_types", _set("plain_letter", "XX"), "doc_types.yaml: plain_letter 'XX' is not the code"),
    ("authority", _set("deputies", {"BỘ TRƯỞNG": ""}), "authority.yaml: deputies.BỘ TRƯỞNG must"),
    ("authority", _set("prefixes", ["KT"]), "authority.yaml: prefixes must be a mapping"),
    ("signatures", _set("time_tolerance_seconds", -1),
     "signatures.yaml: time_tolerance_seconds must be at least 0"),
    ("dates", lambda d: d["deadline_cues"].append("trước("),
     "dates.yaml: deadline_cues[7] does not compile"),
    ("html", _set("motto_words", ["XÃ HỘI 'CHỦ NGHĨA'"]), "html.yaml: motto_words may not"),
    ("legacy_encodings", _set("vni", {}), "legacy_encodings.yaml: vni must not be empty"),
    ("legacy_encodings", lambda d: d["tcvn3"].update({"": "a"}),
     "legacy_encodings.yaml: tcvn3[''] (a key) must not be empty"),
    ("ocr_phrases", _drop("phrases"), "ocr_phrases.yaml: phrases is missing"),
]


@pytest.mark.parametrize("name, change, message", BROKEN,
                         ids=[f"{b[0]}-{b[2].split(': ', 1)[1][:40]}" for b in BROKEN])
def test_a_broken_rule_file_is_refused_with_file_and_key(tmp_path, name, change, message):
    folder = _copy(tmp_path)
    build(folder)  # the copy itself loads
    _edit(folder, name, change)
    with pytest.raises(RuleError, match=re.escape(message)):
        build(folder)


def test_a_file_that_is_not_a_mapping_or_not_there(tmp_path):
    folder = _copy(tmp_path)
    (folder / "marks.yaml").write_text("- KHẨN\n", "utf-8")
    with pytest.raises(RuleError, match=re.escape("marks.yaml: expected a mapping")):
        load("marks", MODELS["marks"], folder)
    (folder / "names.yaml").write_text("places: [Hà Nội\n", "utf-8")
    with pytest.raises(RuleError, match=re.escape("names.yaml: not valid YAML")):
        load("names", MODELS["names"], folder)
    folder = _copy(tmp_path / "again")
    (folder / "html.yaml").unlink()
    with pytest.raises(RuleError, match=re.escape("html.yaml: cannot be read")):
        build(folder)
