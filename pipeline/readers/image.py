"""Page images (PNG, JPEG, multi-page TIFF): every frame is a page read by OCR.

A phone photo or a scanner's TIFF of ``Quyết định số 51/QĐ-UBND`` has no text at all; each
frame goes through :mod:`pipeline.ocr` like a scanned PDF page. The resolution the image says
it has (its DPI) sets the page size in points, 300 dpi when it says nothing.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

from pipeline.document import Document, Page
from pipeline.errors import CorruptFileError
from pipeline.options import DEFAULT, Options
from pipeline.readers.scan import PageJob, ocr_into


def read(path: str, data: bytes, options: Options = DEFAULT) -> Document:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
        frames = [frame.copy() for frame in ImageSequence.Iterator(img)]
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise CorruptFileError(path, f"the image cannot be decoded ({exc})") from None
    if not frames:
        raise CorruptFileError(path, "the image has no frames")
    dpi = img.info.get("dpi", (options.ocr_dpi, options.ocr_dpi))[0] or options.ocr_dpi
    dpi = float(dpi) if float(dpi) >= 50 else float(options.ocr_dpi)
    scale = 72 / dpi
    result = Document(path=path, format="image")
    jobs = []
    for index, frame in enumerate(frames):
        rgb = frame.convert("RGB") if frame.mode not in ("RGB", "L") else frame
        result.pages.append(
            Page(number=index + 1, width=rgb.width * scale, height=rgb.height * scale,
                 has_text=False)
        )
        digest = hashlib.sha256(rgb.tobytes()).hexdigest()
        scaled = _at_dpi(rgb, dpi, options.ocr_dpi)
        jobs.append(PageJob(page_no=index + 1, content_hash=digest, image=_keep(scaled),
                            scale=72 / options.ocr_dpi))
    ocr_into(result, jobs, options)
    return result


def _at_dpi(image: Any, dpi: float, target: int) -> Any:
    """The image scaled to the OCR resolution when it was scanned at another one."""
    if abs(dpi - target) < 1:
        return image
    from PIL import Image

    factor = target / dpi
    return image.resize((round(image.width * factor), round(image.height * factor)),
                        Image.Resampling.LANCZOS)


def _keep(image: Any):
    return lambda: image
