"""The layout of an official letter: its zones, and what a scan needs to get there.

- :mod:`pipeline.layout.zones`: header, number, date, subject, recipients, body, signature
  and distribution, from line positions and the text's own anchors;
- :mod:`pipeline.layout.lines`: OCR words into the letter's lines (columns read as one line
  cut apart, a stamp's frame dropped);
- :mod:`pipeline.layout.phrases`: header and signature lines a seal damaged, spelled as the
  known phrase they must be (``PHO CHU TỊCH`` → ``PHÓ CHỦ TỊCH``);
- :mod:`pipeline.layout.rereads`: ``Số: 985/QĐ-TTg``, the signer's name and the signature
  column read again by the OCR engine where the whole-page reading failed.

Layout imports :mod:`pipeline.ocr` (words and engines); OCR never imports layout.
"""

from __future__ import annotations

from pipeline.layout.lines import words_to_lines
from pipeline.layout.phrases import is_phrase, name_text, snap_block_line, snap_phrase
from pipeline.layout.rereads import read_marks, reread_block, reread_names, reread_number
from pipeline.layout.zones import (
    Zones,
    is_authority,
    is_date_line,
    is_kinh_gui,
    is_motto,
    is_noi_nhan,
    is_number_line,
    is_rule,
    is_upper,
    is_vv,
    looks_like_name,
    mark_of,
    strip_name_prefix,
    type_of_title,
    zone,
)

__all__ = [
    "Zones",
    "is_authority",
    "is_date_line",
    "is_kinh_gui",
    "is_motto",
    "is_noi_nhan",
    "is_number_line",
    "is_phrase",
    "is_rule",
    "is_upper",
    "is_vv",
    "looks_like_name",
    "mark_of",
    "name_text",
    "read_marks",
    "reread_block",
    "reread_names",
    "reread_number",
    "snap_block_line",
    "snap_phrase",
    "strip_name_prefix",
    "type_of_title",
    "words_to_lines",
    "zone",
]
