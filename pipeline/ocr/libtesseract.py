"""Tesseract kept loaded in the process: the library the ``tesseract`` program is built on.

Run as a program, Tesseract loads ``vie.traineddata`` again for every reading. For a page
that is a small part of its second, but the re-reads of a letter (``Số: 985/QĐ-TTg`` cut out
of the header, the signer's name ``Trần Phước Hiền`` on its own line) are crops of one line,
and there loading is most of the cost: 89 ms of CPU for a line read by the program, 19 ms
read by the same library kept loaded (13 real scans' first pages, 104 line crops).

This engine calls Debian's ``libtesseract`` (installed with ``tesseract-ocr``) through its C
API. It is the very library the program runs, with the same language data, so it returns
the same words with the same boxes (5184 of 5184 words on those pages, 104 of 104 crops):
the page cache is shared with the program's readings. A wheel bundling a newer Tesseract
(tesserocr 2.13 ships 5.5.4) was measured too and read 45 of the 104 line crops
differently, 24 of them as nothing at all, so it is not used.

- One loaded Tesseract serves one reading at a time. The pages of a document are read in
  parallel threads (a new pool for each document), so the loaded ones wait in a pool of the
  process and a thread takes one, or loads one when all are busy: each is loaded once per
  worker process, however many documents it reads.
- Tesseract's OpenMP threads fight the page threads on a small machine (2 s a page alone,
  15 s with them): ``OMP_THREAD_LIMIT=1`` is set before the library is loaded.
- A reading has a deadline (Tesseract's own monitor, 300 s as for the program); past it
  the reading fails instead of holding the worker. Layout analysis is not cut short by it;
  the executors' per-document wall-time limit ends the worker process itself.
- When the library cannot be loaded (another system, an old Tesseract) the program is used
  instead (:class:`~pipeline.ocr.tesseract.Tesseract`), and the reason is logged once.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import logging
import os
import threading
import time
from functools import lru_cache
from typing import Any

from pipeline.ocr.engine import Mode, OcrSettings, OcrUnavailable, Word
from pipeline.ocr.tesseract import PSM, Tesseract, tsv_words

log = logging.getLogger(__name__)

TIMEOUT = 300.0  # seconds a reading may take, as for the program
TSV_HEADER = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth"
              "\theight\tconf\ttext\n")

_p = ctypes.c_void_p
_SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "TessVersion": (ctypes.c_char_p, []),
    "TessBaseAPICreate": (_p, []),
    "TessBaseAPIDelete": (None, [_p]),
    "TessBaseAPIInit3": (ctypes.c_int, [_p, ctypes.c_char_p, ctypes.c_char_p]),
    "TessBaseAPISetVariable": (ctypes.c_int, [_p, ctypes.c_char_p, ctypes.c_char_p]),
    "TessBaseAPISetPageSegMode": (None, [_p, ctypes.c_int]),
    "TessBaseAPISetImage": (None, [_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int,
                                   ctypes.c_int, ctypes.c_int]),
    "TessBaseAPISetSourceResolution": (None, [_p, ctypes.c_int]),
    "TessBaseAPIRecognize": (ctypes.c_int, [_p, _p]),
    "TessBaseAPIGetTsvText": (_p, [_p, ctypes.c_int]),
    "TessBaseAPIClear": (None, [_p]),
    "TessDeleteText": (None, [_p]),
    "TessMonitorCreate": (_p, []),
    "TessMonitorDelete": (None, [_p]),
    "TessMonitorSetDeadlineMSecs": (None, [_p, ctypes.c_int]),
}


@lru_cache(maxsize=1)
def _library() -> ctypes.CDLL:
    """libtesseract with its C API declared; raises OSError or AttributeError when it is not
    there or lacks a function. ``$VANTHU_LIBTESSERACT`` names another file."""
    os.environ["OMP_THREAD_LIMIT"] = "1"  # read by libgomp when it is loaded, just below
    name = (os.environ.get("VANTHU_LIBTESSERACT") or ctypes.util.find_library("tesseract")
            or "libtesseract.so.5")
    lib = ctypes.CDLL(name)
    for fn, (restype, argtypes) in _SIGNATURES.items():
        func = getattr(lib, fn)
        func.restype, func.argtypes = restype, argtypes
    _quiet_leptonica()
    return lib


def _quiet_leptonica() -> None:
    """Leptonica's notes on a crop at the page's edge (``Error in boxClipToRectangle: box
    outside rectangle``) went to the program's stderr, which was read only on failure; in
    the process they would fill the worker's. Its severity is raised to none."""
    name = ctypes.util.find_library("leptonica") or ctypes.util.find_library("lept")
    try:
        ctypes.CDLL(name or "liblept.so.5").setMsgSeverity(6)  # L_SEVERITY_NONE
    except (OSError, AttributeError):
        pass


def unavailable() -> str | None:
    """Why the library cannot be used here, or None when it can. A ``tesseract`` program
    chosen with ``$VANTHU_TESSERACT`` is run as a program, as asked."""
    if os.environ.get("VANTHU_TESSERACT"):
        return "$VANTHU_TESSERACT names a program"
    return _load_problem()


@lru_cache(maxsize=1)
def _load_problem() -> str | None:
    try:
        version = _library().TessVersion().decode()
    except (OSError, AttributeError) as exc:
        return f"libtesseract cannot be loaded ({exc})"
    if not version.startswith(("4.", "5.")):
        return f"libtesseract {version} is older than 4"
    return None


def library_version() -> str:
    """The library's version line as the program says it (``tesseract 5.3.0``)."""
    return f"tesseract {_library().TessVersion().decode()}"


class _Loaded:
    """The loaded Tesseracts of this process for one language: each reads one image at a
    time; a thread takes a free one or loads another."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.free: list[int] = []
        self.lock = threading.Lock()
        self.pid = os.getpid()

    def take(self) -> int:
        with self.lock:
            if self.pid != os.getpid():  # a forked child: the parent's are not its own
                self.free, self.pid = [], os.getpid()
            if self.free:
                return self.free.pop()
        lib = _library()
        api = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(api, None, self.lang.encode()) != 0:
            lib.TessBaseAPIDelete(api)
            raise OcrUnavailable(
                f"tesseract has no language data for {self.lang} "
                "(Debian: apt-get install tesseract-ocr-vie)")
        # its notes ("Detected 120 diacritics") would go to the worker's stderr
        lib.TessBaseAPISetVariable(api, b"debug_file", os.devnull.encode())
        return int(api)

    def give_back(self, api: int) -> None:
        with self.lock:
            if self.pid == os.getpid():
                self.free.append(api)


_LOADED: dict[str, _Loaded] = {}
_LOADED_LOCK = threading.Lock()


@atexit.register
def _unload() -> None:
    """Free the loaded Tesseracts at exit: the library warns of a leak otherwise."""
    for pool in _LOADED.values():
        with pool.lock:
            apis, pool.free = (pool.free if pool.pid == os.getpid() else []), []
        for api in apis:
            _library().TessBaseAPIDelete(api)


def _loaded(lang: str) -> _Loaded:
    with _LOADED_LOCK:
        return _LOADED.setdefault(lang, _Loaded(lang))


def _pixels(image: Any) -> tuple[bytes, int]:
    """The image's bytes as the C API takes them, and its bytes per pixel: binary images
    packed 8 pixels a byte, 1 white (PIL's mode ``1`` as is, 0 bytes per pixel), grey 1,
    colour 3 — the very pixels the program reads from PBM, PGM or PPM."""
    if image.mode == "1":
        return image.tobytes(), 0
    if image.mode == "L":
        return image.tobytes(), 1
    return image.convert("RGB").tobytes(), 3


def read_tsv(image: Any, lang: str, psm: int, dpi: int, timeout: float = TIMEOUT) -> str:
    """Tesseract's TSV for ``image`` (a PIL image), read by a loaded Tesseract; raises
    TimeoutError past ``timeout`` seconds and RuntimeError when Tesseract fails."""
    lib = _library()
    data, depth = _pixels(image)
    width, height = image.size
    row = (width + 7) // 8 if depth == 0 else width * depth
    pool = _loaded(lang)
    api = pool.take()
    monitor = lib.TessMonitorCreate()
    try:
        lib.TessMonitorSetDeadlineMSecs(monitor, int(timeout * 1000))
        lib.TessBaseAPISetPageSegMode(api, psm)
        lib.TessBaseAPISetImage(api, data, width, height, depth, row)
        lib.TessBaseAPISetSourceResolution(api, dpi)
        start = time.monotonic()
        failed = lib.TessBaseAPIRecognize(api, monitor)
        if time.monotonic() - start >= timeout:
            raise TimeoutError(f"tesseract took longer than {timeout:g} s")
        if failed:
            raise RuntimeError(f"tesseract could not read the {width}×{height} image")
        text = lib.TessBaseAPIGetTsvText(api, 0)
        try:
            tsv = ctypes.string_at(text).decode("utf-8", "replace") if text else ""
        finally:
            lib.TessDeleteText(text)
    finally:
        lib.TessBaseAPIClear(api)  # the page's results, even a failed one's, go now
        lib.TessMonitorDelete(monitor)
        pool.give_back(api)
    return TSV_HEADER + tsv


class TesseractLib:
    """The :class:`~pipeline.ocr.engine.Engine` backed by libtesseract kept loaded; the same
    name and version as the program's engine, since it reads the same words."""

    name = "tesseract"

    def __init__(self, settings: OcrSettings) -> None:
        self.lang = settings.lang
        self.dpi = settings.dpi

    def version(self) -> str:
        pool = _loaded(self.lang)
        pool.give_back(pool.take())  # loads the language once, or says it is missing
        return library_version()

    def read(self, image: Any, mode: Mode) -> list[Word]:
        return tsv_words(read_tsv(image, self.lang, PSM[mode], self.dpi))


_told: list[str] = []


def tesseract_engine(settings: OcrSettings) -> TesseractLib | Tesseract:
    """The ``tesseract`` engine: the library kept loaded, or the program when the library
    cannot be used (the reason logged once per process)."""
    reason = unavailable()
    if reason is None:
        return TesseractLib(settings)
    if not _told:
        _told.append(reason)
        log.warning("Tesseract runs as a program, one process per reading: %s", reason)
    return Tesseract(settings)
