"""A second recogniser for the digits a records office writes in by hand: PP-OCRv4's.

On most scanned letters the number and the day are written in after signing, in the blanks
of ``Số:      /TB-UBND`` and ``ngày      tháng 01 năm 2025``. Tesseract, trained on print,
reads them as junk (``Số: §†4/UBND-KTTH`` for 574) or not at all. The PP-OCRv4 text
recogniser was trained on scene and handwritten text as well; its ONNX model ships inside
the ``rapidocr_onnxruntime`` wheel, so nothing is downloaded at run time. Only the model
file is used: this module runs it with ``onnxruntime`` on a crop that the caller has already
located (:mod:`pipeline.layout.handwriting`), never on a page, so no text detection runs.

The recogniser reads a crop as one line and returns one :class:`~pipeline.ocr.engine.Word`
for the whole crop, whatever it holds (``574``, ``: 86``, ``6：46``); the caller decides
what may be kept. Its ``conf`` (0–100) is the mean of the character probabilities, which on
the real scans did not separate right reads from wrong ones: it is evidence, not a verdict.

The session is made once per process, on first use, with one thread (the pipeline already
runs pages in parallel).
"""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.ocr.engine import Mode, OcrSettings, OcrUnavailable, Word

MODEL_NAME = "ch_PP-OCRv4_rec_infer.onnx"
HEIGHT = 48  # the model's input height
MIN_WIDTH = 320  # the model's input width for a short line; shorter crops are padded


@lru_cache(maxsize=1)
def model_path() -> Path:
    """The recognition model inside the installed ``rapidocr_onnxruntime`` package."""
    # found, not imported: importing the package loads RapidOCR and cv2 (about 60 MiB a
    # worker) for nothing, since only its model file is used
    try:
        spec = importlib.util.find_spec("rapidocr_onnxruntime")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise OcrUnavailable(
            "the handwriting recogniser needs rapidocr_onnxruntime "
            "(pip install rapidocr_onnxruntime)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / MODEL_NAME
    if not path.exists():
        raise OcrUnavailable(f"rapidocr_onnxruntime has no {MODEL_NAME}")
    return path


class _Model:
    """The loaded session and its character table (kept in the model's metadata)."""

    def __init__(self, path: Path) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"])
        meta = self.session.get_modelmeta().custom_metadata_map
        self.chars = ["", *meta["character"].splitlines(), " "]  # 0 is CTC's blank
        self.input = self.session.get_inputs()[0].name
        self.version = f"{onnxruntime.__version__}|{path.name}|{path.stat().st_size}"
        self.lock = threading.Lock()


_MODEL: _Model | None = None
_MODEL_LOCK = threading.Lock()


def model() -> _Model:
    """The process's one session, made on first use."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            _MODEL = _Model(model_path())
        return _MODEL


def recognise(image: Any) -> tuple[str, float]:
    """The text of a one-line crop and the mean probability of its characters (0–1)."""
    import numpy as np
    from PIL import Image

    m = model()
    rgb = image.convert("RGB")
    width, height = rgb.size
    new_width = max(8, min(round(HEIGHT * width / max(height, 1)), 1600))
    pixels = np.asarray(rgb.resize((new_width, HEIGHT), Image.Resampling.BILINEAR),
                        dtype=np.float32)
    batch = np.zeros((1, 3, HEIGHT, max(new_width, MIN_WIDTH)), np.float32)
    batch[0, :, :, :new_width] = (pixels / 127.5 - 1.0).transpose(2, 0, 1)
    with m.lock:
        out = m.session.run(None, {m.input: batch})[0][0]
    best, probs = out.argmax(1), out.max(1)
    text, kept, last = [], [], 0
    for k, p in zip(best.tolist(), probs.tolist(), strict=True):
        if k != 0 and k != last:  # CTC: a repeat is one character unless a blank parts it
            text.append(m.chars[k] if k < len(m.chars) else "")
            kept.append(p)
        last = k
    return "".join(text), (sum(kept) / len(kept) if kept else 0.0)


class PPOcrDigits:
    """The :class:`~pipeline.ocr.engine.Engine` for handwritten digits on located crops.

    Every mode reads the image as one line: the crops it gets are one blank each.
    """

    name = "ppocr"

    def __init__(self, settings: OcrSettings | None = None) -> None:
        self.settings = settings

    def version(self) -> str:
        return model().version

    def read(self, image: Any, mode: Mode = "line") -> list[Word]:
        text, conf = recognise(image)
        if not text.strip():
            return []
        width, height = image.size
        return [Word(0, 0, width, height, round(100 * conf, 1), text, "1.1.1")]
