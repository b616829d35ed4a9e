"""The MuPDF objects this package handles, by name.

PyMuPDF's low-level bindings (``pymupdf.mupdf``) carry no type information, so every object
they return is ``Any`` to mypy. The aliases below are ``Any`` too, but they say at each
signature which kind of object crosses the boundary, and keep ``Any`` out of the rest: what
is read from these objects is turned into ``str``, ``int``, ``float`` or ``bytes`` at once.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import pymupdf

MP: Any = pymupdf.mupdf

PdfObj: TypeAlias = Any
"""``mupdf.PdfObj``: a dictionary, array, name, number, string or stream of the file."""
PdfAnnot: TypeAlias = Any
"""``mupdf.PdfAnnot``: an annotation, here a signature field's widget."""
PdfDocument: TypeAlias = Any
"""``mupdf.PdfDocument``: a parsed file, or a revision of it opened on its own."""
