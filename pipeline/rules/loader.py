"""Loads and validates the rule files beside it in ``pipeline/rules/`` (data only, no code).

Each file has a typed model: unknown keys are refused, required keys required, strings must
not be empty, and every pattern is compiled when the file is read. Tables built from the
files (folded keys, the type of each code, composed patterns) are built once, in
:func:`build`. A bad edit stops the load with the file and the key named
(``anchors.yaml: number does not compile: missing ), unterminated subpattern at position 0``),
so it fails the first test rather than a night's ingestion.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from pipeline.letters import LOWER, UPPER, fold, within_one_edit
from pipeline.rules.registers import OrganisationsFile, RelationsFile, TasksFile

RULES_DIR = Path(__file__).parent
"""The folder the rule files are read from unless another is given."""

class RuleError(ValueError):
    """A rule file is malformed; the message names the file and the key."""


# ---------------------------------------------------------------------------- field types


def _pattern(flags: int = 0) -> Callable[[object], re.Pattern[str]]:
    def check(value: object) -> re.Pattern[str]:
        if not isinstance(value, str):
            raise ValueError("must be a string pattern")
        if not value:
            raise ValueError("must not be empty")
        try:
            return re.compile(value, flags)
        except re.error as exc:
            raise ValueError(f"does not compile: {exc}") from None

    return check


def _letters(source: str) -> str:
    """``{UPPER}`` and ``{LOWER}`` in a pattern stand for the Vietnamese letters of that case."""
    return source.replace("{UPPER}", UPPER).replace("{LOWER}", LOWER)


Pattern = Annotated[re.Pattern[str], PlainValidator(_pattern())]
"""A regular expression, compiled when its file is loaded."""
FoldedPattern = Annotated[re.Pattern[str], PlainValidator(_pattern(re.IGNORECASE))]
"""A pattern run on the folded skeleton of a line (``CONG HOA``), case ignored."""
Text = Annotated[str, StringConstraints(strict=True, min_length=1)]
Texts = Annotated[tuple[Text, ...], Field(min_length=1)]
Table = Annotated[dict[Text, Text], Field(min_length=1)]


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------- the files


class AnchorsFile(_File):
    """``anchors.yaml``: the lines of the official layout, and what extractors strip."""

    motto_folded: FoldedPattern
    independence_folded: FoldedPattern
    rule_line: Pattern
    number_line_folded: FoldedPattern
    number: Pattern
    trailing_code: Pattern
    date_line: Pattern
    vv_line: Pattern
    kinh_gui_folded: FoldedPattern
    noi_nhan_folded: FoldedPattern
    authority_folded: FoldedPattern
    signature_noise_folded: FoldedPattern
    body_end: Pattern
    appendix_folded: FoldedPattern
    body_start_folded: FoldedPattern
    body_start_words: Texts
    issuing_authority_folded: FoldedPattern
    date_line_loose: Pattern
    issuer_province: Pattern
    subject_prefix: Pattern
    subject_prefix_ocr: Pattern
    subject_tail_ocr: Pattern
    list_bullet: Pattern
    placeholder: Pattern
    number_word_folded: FoldedPattern
    symbol_start: Pattern
    incoming_stamp_folded: FoldedPattern
    incoming_field_folded: FoldedPattern
    number_line_lookalikes: dict[str, str]


class DocTypeEntry(_File):
    name: Text
    code: Text
    symbol_only: StrictBool = False
    symbol: Pattern | None = None


class DocTypesFile(_File):
    """``doc_types.yaml``: types and codes (Phụ lục III), and the words that cite them."""

    types: Annotated[tuple[DocTypeEntry, ...], Field(min_length=1)]
    reference_words: Texts
    named_reference_words: Texts
    plain_letter: Text
    reference_code: Pattern

    @model_validator(mode="after")
    def _plain_letter_is_a_type(self) -> DocTypesFile:
        if self.plain_letter not in {t.code for t in self.types if not t.symbol_only}:
            raise ValueError(f"plain_letter '{self.plain_letter}' is not the code of a type")
        return self


class AuthorityFile(_File):
    """``authority.yaml``: signing-authority prefixes, deputies, organisation words, ranks."""

    prefixes: Table
    deputies: dict[Text, Text]
    org_heads: Texts
    name_prefixes: Texts


class MarksFile(_File):
    """``marks.yaml``: urgency and secrecy marks, longest first."""

    urgency: Texts
    secrecy: Texts


class ContactsFile(_File):
    """``contacts.yaml``: e-mail and phone patterns, forms of address, contact cues."""

    email: Pattern
    phone: Pattern
    phone_min_digits: Annotated[StrictInt, Field(ge=1)]
    phone_max_digits: Annotated[StrictInt, Field(ge=1)]
    honorifics: Texts
    cues_folded: Texts
    ner_cues_folded: Texts
    name: Text

    @field_validator("name")
    @classmethod
    def _name_compiles(cls, value: str) -> str:
        pattern = _pattern()(_letters(value))
        if "name" not in pattern.groupindex:
            raise ValueError("must hold a group (?P<name>…)")
        return value

    @model_validator(mode="after")
    def _digits_in_order(self) -> ContactsFile:
        if self.phone_min_digits > self.phone_max_digits:
            raise ValueError("phone_min_digits is more than phone_max_digits")
        return self


class SignaturesFile(_File):
    """``signatures.yaml``: what signing systems stamp in a widget."""

    signer_cues: Texts
    organisation_cues: Texts
    time_cues: Texts
    email_cues: Texts
    stamp_time: Pattern
    stamped_number: Pattern
    stamped_day: Pattern
    time_tolerance_seconds: Annotated[StrictInt, Field(ge=0)]


class NamesFile(_File):
    """``names.yaml``: closed lists OCR is checked against."""

    places: Texts
    surnames: Texts


class DatesFile(_File):
    """``dates.yaml``: dates in running text and deadline cues."""

    numeric: Pattern
    words: Pattern
    deadline_cues: Annotated[tuple[Pattern, ...], Field(min_length=1)]
    deadline_time: Pattern
    sentence_bullet: Pattern


_XPATH_LITERAL = re.compile(r"[^'\"]+")


class HtmlFile(_File):
    """``html.yaml``: how the letter is found and read in a saved web page."""

    motto_words: Texts
    region_min_chars: Annotated[StrictInt, Field(ge=0)]
    block_tags: Texts
    drop_tags: Texts
    bold_tags: Texts
    bold_styles: Texts

    @model_validator(mode="after")
    def _words_fit_xpath(self) -> HtmlFile:
        for word in self.motto_words:
            if not _XPATH_LITERAL.fullmatch(word):
                raise ValueError("motto_words may not hold quotes")
        return self


class LegacyEncodingsFile(_File):
    """``legacy_encodings.yaml``: TCVN3 and VNI, character sequences to Unicode."""

    tcvn3: Table
    vni: Table


class OcrPhrasesFile(_File):
    """``ocr_phrases.yaml``: header and signature phrases an OCR line may be snapped to."""

    phrases: Texts


MODELS: dict[str, type[BaseModel]] = {
    "anchors": AnchorsFile,
    "doc_types": DocTypesFile,
    "authority": AuthorityFile,
    "marks": MarksFile,
    "contacts": ContactsFile,
    "signatures": SignaturesFile,
    "names": NamesFile,
    "dates": DatesFile,
    "html": HtmlFile,
    "legacy_encodings": LegacyEncodingsFile,
    "ocr_phrases": OcrPhrasesFile,
    "organisations": OrganisationsFile,  # these three are built by pipeline.rules.gazetteer
    "relations": RelationsFile,
    "tasks": TasksFile,
}
"""The model of each rule file, by name (``anchors`` is ``anchors.yaml``)."""

RULE_FILES = tuple(MODELS)
"""Every rule file, by name; :func:`build` reads each of them."""

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": "is missing",
    "extra_forbidden": "is not a known key",
    "string_too_short": "must not be empty",
    "too_short": "must not be empty",
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
}


def _key(loc: tuple[int | str, ...]) -> str:
    """``("types", 3, "code")`` → ``types[3].code``; an empty mapping key is quoted."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (a key)"
        elif not part:
            out += "['']"
        else:
            out += f".{part}" if out else part
    return out


def _describe(file: str, exc: ValidationError) -> str:
    problems = []
    for err in exc.errors(include_url=False):
        message = _MESSAGES.get(err["type"], err["msg"])
        bound = err.get("ctx") or {}
        if err["type"] == "value_error":  # raised by the checks above, worded for this message
            message = str(bound.get("error", message))
        elif err["type"] == "greater_than_equal":
            message = f"must be at least {bound.get('ge')}"
        key = _key(tuple(err["loc"]))
        problems.append(f"{key} {message}" if key else message)
    return f"{file}: " + "; ".join(problems)


def load(name: str, model: type[M], folder: Path = RULES_DIR) -> M:
    """Read ``<folder>/<name>.yaml`` into ``model``; a :class:`RuleError` names what is wrong."""
    file = f"{name}.yaml"
    try:
        text = (folder / file).read_text("utf-8")
    except OSError as exc:
        raise RuleError(f"{file}: cannot be read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"{file}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise RuleError(f"{file}: expected a mapping at the top level")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RuleError(_describe(file, exc)) from None


def files(folder: Path = RULES_DIR) -> dict[str, BaseModel]:
    """Each rule file's model, by name, as loaded from ``folder``."""
    return {name: load(name, model, folder) for name, model in MODELS.items()}


# ---------------------------------------------------------------------------- derived tables


@dataclass(frozen=True)
class DocType:
    name: str
    code: str
    folded: str
    symbol_only: bool = False
    symbol: re.Pattern[str] | None = None


@dataclass(frozen=True)
class LegacyTable:
    """One legacy encoding: the sequences to replace, longest first, and their Unicode."""

    pattern: re.Pattern[str]
    mapping: dict[str, str]


@dataclass(frozen=True)
class Html:
    motto_xpath: str
    region_min_chars: int
    block_tags: frozenset[str]
    drop_tags: tuple[str, ...]
    bold_tags: frozenset[str]
    bold_styles: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    anchors: dict[str, re.Pattern[str]]
    doc_types: tuple[DocType, ...]
    type_by_code: dict[str, DocType]
    type_by_folded: dict[str, DocType]
    plain_letter: DocType
    reference_words: tuple[str, ...]
    named_reference_words_folded: frozenset[str]
    reference: re.Pattern[str]
    authority_prefixes: dict[str, str]
    org_heads_folded: tuple[str, ...]
    name_prefixes: tuple[str, ...]
    urgency: tuple[str, ...]
    secrecy: tuple[str, ...]
    email: re.Pattern[str]
    phone: re.Pattern[str]
    phone_digits: tuple[int, int]
    honorifics: tuple[str, ...]
    honorific_name: re.Pattern[str]
    contact_cues_folded: tuple[str, ...]
    ner_cues_folded: tuple[str, ...]
    stamp_cues: re.Pattern[str]
    stamp_cue_kind: dict[str, str]
    stamp_time: re.Pattern[str]
    stamped_number: re.Pattern[str]
    stamped_day: re.Pattern[str]
    time_tolerance: int
    places: tuple[str, ...]
    surnames: tuple[str, ...]
    deputies: dict[str, str]
    date_numeric: re.Pattern[str]
    deadline: re.Pattern[str]
    sentence_bullet: re.Pattern[str]
    html: Html
    legacy: dict[str, LegacyTable]
    ocr_phrases: tuple[str, ...]
    number_line_lookalikes: dict[str, str]
    body_start_words: tuple[str, ...]

    def deputy(self, head: str) -> str:
        """The title of who signs "KT. <head>": ``THỨ TRƯỞNG`` for ``BỘ TRƯỞNG``, else
        ``PHÓ <head>``."""
        return self.deputies.get(head, f"PHÓ {head}")

    def type_of_code(self, head: str) -> DocType | None:
        """The type a symbol's first part names: ``QĐ`` → Quyết định, ``QH15`` → Luật."""
        found = self.type_by_code.get(head)
        if found is not None:
            return found
        for t in self.doc_types:
            if t.symbol is not None and t.symbol.fullmatch(head):
                return t
        return None

    def closest(self, kind: Literal["places", "surnames"], value: str, *,
                near: bool = False) -> str | None:
        """The entry of list ``kind`` (``places``, ``surnames``) that ``value`` must be:
        equal once tone marks are folded, or, with ``near``, one letter away; None when no
        single entry fits. ``value`` itself when it is on the list."""
        entries: tuple[str, ...] = getattr(self, kind)
        if value in entries:
            return value
        key = fold(value)
        same = {e for e in entries if fold(e) == key}
        if len(same) == 1:
            return same.pop()
        if same or not near:
            return None
        close = {e for e in entries if within_one_edit(fold(e), key)}
        return close.pop() if len(close) == 1 else None


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _legacy(name: str, mapping: dict[str, str]) -> LegacyTable:
    mapping = dict(mapping)
    if name == "vni":
        # Title-case words put an upper-case base before a lower-case modifier ("Uûy").
        for key, value in list(mapping.items()):
            if len(key) == 2 and key[0].islower():
                mapping.setdefault(key[0].upper() + key[1], value.upper())
    keys = sorted(mapping, key=len, reverse=True)
    return LegacyTable(re.compile("|".join(re.escape(k) for k in keys)), mapping)


def _composed(file: str, key: str, source: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern put together from several entries; each compiled alone already, so a
    failure here is two entries that do not fit together (a group name used twice)."""
    try:
        return re.compile(source, flags)
    except re.error as exc:
        raise RuleError(f"{file}: {key} does not compile once composed: {exc}") from None


def build(folder: Path = RULES_DIR) -> Rules:
    """Every rule file of ``folder`` read, checked and turned into the tables the code uses."""
    anchors = load("anchors", AnchorsFile, folder)
    types = load("doc_types", DocTypesFile, folder)
    auth = load("authority", AuthorityFile, folder)
    marks = load("marks", MarksFile, folder)
    contacts = load("contacts", ContactsFile, folder)
    sig = load("signatures", SignaturesFile, folder)
    names = load("names", NamesFile, folder)
    dates = load("dates", DatesFile, folder)
    html = load("html", HtmlFile, folder)
    legacy = load("legacy_encodings", LegacyEncodingsFile, folder)
    phrases = load("ocr_phrases", OcrPhrasesFile, folder)

    doc_types = tuple(
        DocType(name=t.name, code=t.code, folded=fold(t.name), symbol_only=t.symbol_only,
                symbol=t.symbol)
        for t in types.types
    )
    type_by_code = {t.code: t for t in doc_types if not t.symbol_only}

    cue_kind: dict[str, str] = {}
    for kind, cues in (("signer", sig.signer_cues), ("organisation", sig.organisation_cues),
                       ("time", sig.time_cues), ("email", sig.email_cues)):
        for cue in cues:
            cue_kind[fold(cue)] = kind

    date_any = rf"(?:{dates.numeric.pattern}|{dates.words.pattern})"
    cue = "(?:" + "|".join(p.pattern for p in dates.deadline_cues) + ")"
    deadline = _composed(
        "dates.yaml", "deadline_cues",
        cue + r"\s+" + dates.deadline_time.pattern + r"(?:ngày\s+)" + date_any, re.IGNORECASE,
    )
    cited = sorted({t.name for t in doc_types} | set(types.reference_words), key=len,
                   reverse=True)
    reference = _composed(
        "doc_types.yaml", "reference_code",
        rf"(?P<word>(?<![^\W\d_])(?:{'|'.join(re.escape(w) for w in cited)}))"
        # "số" as OCR of a scan may spell it: "sô", "s6", "so"
        rf"(?P<name>\s+[^\d;:.]{{1,80}}?)??\s+(?:s[ốồôoó06]\s*)?"
        rf"(?P<code>{types.reference_code.pattern})(?:\s*,?\s*(?:ngày\s+)?{date_any})?",
        re.IGNORECASE,
    )
    honorific_name = _composed(
        "contacts.yaml", "name",
        rf"(?<![^\W\d_])(?:{_alternation(contacts.honorifics)})\s*{_letters(contacts.name)}",
    )

    return Rules(
        anchors={key: getattr(anchors, key) for key in AnchorsFile.model_fields
                 if key not in ("number_line_lookalikes", "body_start_words")},
        doc_types=doc_types,
        type_by_code=type_by_code,
        type_by_folded={t.folded: t for t in doc_types},
        plain_letter=type_by_code[types.plain_letter],
        reference_words=types.reference_words,
        named_reference_words_folded=frozenset(fold(w) for w in types.named_reference_words),
        reference=reference,
        authority_prefixes=dict(auth.prefixes),
        org_heads_folded=tuple(fold(h) for h in auth.org_heads),
        name_prefixes=auth.name_prefixes,
        urgency=marks.urgency,
        secrecy=marks.secrecy,
        email=contacts.email,
        phone=contacts.phone,
        phone_digits=(contacts.phone_min_digits, contacts.phone_max_digits),
        honorifics=contacts.honorifics,
        honorific_name=honorific_name,
        contact_cues_folded=contacts.cues_folded,
        ner_cues_folded=contacts.ner_cues_folded,
        # cues are matched on folded text (no marks, upper case): "KY BOI:", "THOI GIAN KY:"
        stamp_cues=re.compile(
            r"(?<![A-Z])(?P<cue>" + _alternation(list(cue_kind)) + r")\s*:\s*"
        ),
        stamp_cue_kind=cue_kind,
        stamp_time=sig.stamp_time,
        stamped_number=sig.stamped_number,
        stamped_day=sig.stamped_day,
        time_tolerance=sig.time_tolerance_seconds,
        places=names.places,
        surnames=names.surnames,
        deputies=dict(auth.deputies),
        date_numeric=dates.numeric,
        deadline=deadline,
        sentence_bullet=dates.sentence_bullet,
        html=Html(
            motto_xpath="//text()[" + " or ".join(
                f"contains(., '{w}')" for w in html.motto_words) + "]",
            region_min_chars=html.region_min_chars,
            block_tags=frozenset(html.block_tags),
            drop_tags=html.drop_tags,
            bold_tags=frozenset(html.bold_tags),
            bold_styles=html.bold_styles,
        ),
        legacy={name: _legacy(name, getattr(legacy, name))
                for name in LegacyEncodingsFile.model_fields},
        ocr_phrases=phrases.phrases,
        number_line_lookalikes=dict(anchors.number_line_lookalikes),
        body_start_words=anchors.body_start_words,
    )


@lru_cache(maxsize=1)
def rules() -> Rules:
    """The rules of the package's folder, read once per process."""
    return build()


