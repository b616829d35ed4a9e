"""What a signature covers, and what the revisions appended after it changed.

A letter signed five times (the chairman, the office, the publication centre and two
numbering stamps) is saved five times: each signature appends a revision (its widget, the
signature dictionary) and signs every byte up to that revision's ``%%EOF``. So the first
signature covers its revision only, and whether it still holds for the letter an archivist
reads depends on what the four later revisions did. When they only added signatures, form
fields or annotations, as every multi-signature e-office letter does, the letter is what was
signed (``annotations``); when they changed what a page draws, it is not (``content``).
"""

from __future__ import annotations

import pymupdf

from pipeline.signatures._mupdf import MP, PdfDocument
from schemas.record import Coverage, Modification

# what a page draws with: the object numbers of its /Contents streams, and its
# /Resources/XObject entries as (name, object number) pairs, sorted
PageDraws = tuple[tuple[int, ...], tuple[tuple[str, int], ...]]


class _N:
    """PDF name objects for the keys read here, made once."""

    Contents = MP.pdf_new_name("Contents")
    Resources = MP.pdf_new_name("Resources")
    XObject = MP.pdf_new_name("XObject")


class Revisions:
    """Coverage of the signatures of one file, and what changed after each.

    A signature covers its revision when its byte range is contiguous around ``/Contents`` and
    ends at that revision's ``%%EOF``. For the changes after it, the signed revision is opened
    and each page's ``/Contents`` and ``/Resources/XObject`` entries are compared with the
    final file's; then every content stream and XObject they name must still be the object
    stored before the end of the signed revision (its cross-reference entry points there).
    Equal pages mean later revisions only added signatures, form fields or annotations;
    anything else means the letter was changed. Fonts and images nested inside XObjects are
    not followed.
    """

    def __init__(self, doc: pymupdf.Document, data: bytes) -> None:
        self.doc = doc
        self.data = data
        self._final: list[PageDraws] | None = None
        self._seen: dict[int, str] = {}

    def judge(self, end: int, *, contiguous: bool) -> tuple[str, str]:
        """``(coverage, modified_after)`` of a signature whose signed bytes end at ``end``
        (values of :class:`~schemas.record.Coverage` and
        :class:`~schemas.record.Modification`)."""
        if not contiguous:
            return Coverage.UNCLEAR.value, Modification.UNKNOWN.value
        if not self.data[end:].strip():
            return Coverage.WHOLE_FILE.value, Modification.NONE.value
        if self.data.rfind(b"%%EOF", max(0, end - 64), end) < 0:
            return Coverage.UNCLEAR.value, Modification.UNKNOWN.value
        if end not in self._seen:
            self._seen[end] = self._compare(end)
        return Coverage.REVISION.value, self._seen[end]

    @staticmethod
    def _pages(pdf: PdfDocument) -> list[PageDraws]:
        """Per page of a MuPDF ``pdf_document``, what it draws with: the object numbers of
        its ``/Contents`` (an array resolved to its streams) and its ``/Resources/XObject``
        entries by name."""
        out: list[PageDraws] = []
        for i in range(MP.pdf_count_pages(pdf)):
            page = MP.pdf_lookup_page_obj(pdf, i)
            contents = MP.pdf_dict_get(page, _N.Contents)
            nums: list[int] = [MP.pdf_to_num(contents)] if MP.pdf_is_indirect(contents) else []
            if MP.pdf_is_array(contents):
                nums += [MP.pdf_to_num(MP.pdf_array_get(contents, k))
                         for k in range(MP.pdf_array_len(contents))]
            xobjects = MP.pdf_dict_get(
                MP.pdf_dict_get_inheritable(page, _N.Resources), _N.XObject
            )
            named: list[tuple[str, int]] = []
            if MP.pdf_is_dict(xobjects):
                if MP.pdf_is_indirect(xobjects):
                    named.append(("", MP.pdf_to_num(xobjects)))
                for k in range(MP.pdf_dict_len(xobjects)):
                    named.append((MP.pdf_to_name(MP.pdf_dict_get_key(xobjects, k)),
                                  MP.pdf_to_num(MP.pdf_dict_get_val(xobjects, k))))
            out.append((tuple(nums), tuple(sorted(named))))
        return out

    def _stored_before(self, end: int) -> bool:
        """Whether every object the final pages draw with was stored before ``end``."""
        pdf = MP.pdf_specifics(self.doc.this).m_internal
        for contents, xobjects in self._final or []:
            for num in (*contents, *(n for _, n in xobjects)):
                if num <= 0:  # a direct object: part of its page, compared above
                    continue
                entry = MP.ll_pdf_get_xref_entry_no_null(pdf, num)
                if entry.type == "o":  # inside an object stream: judge the stream
                    entry = MP.ll_pdf_get_xref_entry_no_null(pdf, entry.ofs)
                if entry.type != "n" or entry.ofs >= end:
                    return False
        return True

    def _compare(self, end: int) -> str:
        try:
            if self._final is None:
                self._final = self._pages(MP.pdf_specifics(self.doc.this))
            # MuPDF's own document, not a pymupdf.Document: half the cost to open; read in
            # place from the file's bytes (``self.data`` outlives it), not from a copy
            stream = MP.fz_open_memory(MP.python_buffer_data(self.data), end)
            same = self._pages(MP.pdf_open_document_with_stream(stream)) == self._final
            same = same and self._stored_before(end)
        except Exception:
            return Modification.UNKNOWN.value
        return Modification.ANNOTATIONS.value if same else Modification.CONTENT.value
