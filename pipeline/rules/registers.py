"""The models of the rule files analysts' questions read: the organisations gazetteer
(``organisations.yaml``), what a citation does (``relations.yaml``) and deadlines and task
tables (``tasks.yaml``).

Kept apart from :mod:`pipeline.rules.loader` so that the loader can list them with the
others (every rule file has a model and is checked on load) while the tables built from
them live in :mod:`pipeline.rules.gazetteer`, read only by what needs them.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    model_validator,
)


def _compile(value: object) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise ValueError("must be a non-empty string pattern")
    try:
        return re.compile(value, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"does not compile: {exc}") from None


Text = Annotated[str, StringConstraints(strict=True, min_length=1)]
Texts = Annotated[tuple[Text, ...], Field(min_length=1)]
Slug = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9*@_-]+$")]
IPattern = Annotated[re.Pattern[str], PlainValidator(_compile)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Body(_Model):
    """One body: ``{id: btttt, name: Bộ Thông tin và Truyền thông, abbr: [BTTTT],
    merged_into: bkhcn}``."""

    id: Slug
    name: Text
    abbr: tuple[Text, ...] = ()
    aliases: tuple[Text, ...] = ()
    merged_into: Slug | None = None


class Province(_Model):
    """``{id: phu-yen, name: Phú Yên, kind: tỉnh, merged_into: dak-lak}``."""

    id: Slug
    name: Text
    kind: Text
    aliases: tuple[Text, ...] = ()
    merged_into: Slug | None = None


class OrganisationsFile(_Model):
    national: Annotated[tuple[Body, ...], Field(min_length=1)]
    ministry_units: tuple[Body, ...]
    provinces: Annotated[tuple[Province, ...], Field(min_length=34)]
    provincial: Annotated[tuple[Body, ...], Field(min_length=1)]
    every_province: Texts
    groups: tuple[Body, ...]
    internal: tuple[Body, ...]
    internal_in_body: tuple[Slug, ...]
    internal_of_writer: tuple[Slug, ...]
    internal_leading: tuple[Slug, ...]
    local_kinds: Annotated[tuple[Slug, ...], Field(min_length=1)]
    local_levels: Annotated[tuple[Body, ...], Field(min_length=1)]
    local_name_ends: Texts
    writer_verbs: Texts

    @model_validator(mode="after")
    def _ids_are_known(self) -> OrganisationsFile:
        internal = {b.id for b in self.internal}
        for key in ("internal_in_body", "internal_of_writer", "internal_leading"):
            unknown = set(getattr(self, key)) - internal
            if unknown:
                raise ValueError(f"{key}: {sorted(unknown)} are not ids of internal")
        unknown = set(self.local_kinds) - {b.id for b in self.provincial}
        if unknown:
            raise ValueError(f"local_kinds: {sorted(unknown)} are not ids of provincial")
        return self


class RelationsFile(_Model):
    relations: dict[Slug, Texts]
    joiners: Texts


class TaskColumns(_Model):
    task: Texts
    lead: Texts
    support: Texts
    due: Texts
    output: Texts


class TasksFile(_Model):
    """``tasks.yaml``: what kind a dated cue is, who is handed a task, task tables."""

    cutoff_words: Texts
    cutoff_window: Annotated[int, Field(ge=1, strict=True)]
    cutoff_markers: Texts
    cutoff_participles: Texts
    cutoff_reach: Annotated[int, Field(ge=1, strict=True)]
    duty_words: Texts
    duty_compounds: Texts
    purpose_words: Texts
    cutoff_span_lead: IPattern
    cutoff_span_tail: IPattern
    effective: IPattern
    expiry: IPattern
    expiry_words: Texts
    expiry_subjects: Texts
    expiry_join: IPattern
    assign_verbs: Texts
    columns: TaskColumns
