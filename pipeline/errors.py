"""The small exception hierarchy of vanthu.

Readers raise these; the runner turns them into a record with ``status = failed`` and the
message in ``errors``, so a batch never stops on one bad file. Each message names the file
and the cause in words an archivist can act on, e.g.
``scan-17.pdf: the PDF is encrypted and needs a password``.
"""

from __future__ import annotations


class VanthuError(Exception):
    """Base of all vanthu errors; ``code`` is a stable short name for the cause."""

    code = "error"

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}")


class EmptyFileError(VanthuError):
    code = "empty_file"


class UnsupportedFormatError(VanthuError):
    code = "unsupported_format"


class FormatMismatchError(VanthuError):
    code = "format_mismatch"


class CorruptFileError(VanthuError):
    code = "corrupt_file"


class EncryptedFileError(VanthuError):
    code = "encrypted"


class EncodingError(VanthuError):
    code = "encoding"


class NoTextLayerError(VanthuError):
    code = "no_text_layer"
