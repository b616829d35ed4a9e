"""Seals on a scanned page: where a round seal lies, in red or in black.

A seal is stamped over the left of the signature block, across the title and the authority
line above it. On a colour scan its red ink is turned to paper before reading
(:func:`pipeline.ocr.clean.drop_ink`) and the print under it comes back; on a black-and-white
scan the seal is as black as the print, and what it covers is lost: a black seal over
``KT. THỦ TƯỚNG / PHÓ THỦ TƯỚNG`` leaves ``THỦ TƯỚNG``, read with a high word confidence. So
the seal itself is evidence: a title or an authority read under a black seal cannot rule out
a hidden ``KT.`` or ``PHÓ`` (:mod:`extractors.confidence`).

A seal is found as a ring: the page is reduced to 50 dpi (a block is ink when any of its
pixels is), and for each radius of a seal (diameters 28 to 46 mm; the decree's seals are 35
to 42 mm across) the share of the circle that is ink is measured at every centre at once, by
convolution through the FFT. A seal's outer ring is ink all round (0.7 or more of it) and the
band just outside it is mostly paper or broken print; a line of text, a table's frame or a
rectangular stamp gives no such circle. Red ink is searched apart (``red``), then the dark
ink of the page once coloured ink is dropped (``black``).

A found seal comes back as a :class:`~pipeline.ocr.Word` on line ``seal.<k>`` whose text is
``seal:red`` or ``seal:black`` and whose box is the seal's disc, in the page's pixels; the
scan reader caches it beside the page's words and keeps it apart from them.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from pipeline.ocr import Word

VERSION = "1"  # of the detector: part of the cache key of a page's seals
WORK_DPI = 50
MIN_DIAMETER_MM, MAX_DIAMETER_MM = 28.0, 46.0
MIN_RING = 0.7  # share of the circle that is ink
MIN_CONTRAST = 0.3  # ring minus the band just outside it
MAX_SEALS = 3
SEAL_LINE = "seal."


def is_seal(word: Word) -> bool:
    return word.line.startswith(SEAL_LINE)


def _reduce(ink: Any, factor: int) -> Any:
    """A boolean ink mask reduced by ``factor``: a block is ink when any pixel of it is."""
    import numpy as np

    h, w = (ink.shape[0] // factor) * factor, (ink.shape[1] // factor) * factor
    blocks = ink[:h, :w].reshape(h // factor, factor, w // factor, factor)
    return np.asarray(blocks.any(axis=(1, 3)), dtype=np.float64)


@lru_cache(maxsize=64)
def _ring_spectrum(shape: tuple[int, int], pad: int, r: int) -> tuple[Any, float]:
    """The spectrum of a ring of radius ``r`` (and its pixel count) on a padded page of
    ``shape``. Pages of a batch share their size, so each ring is transformed once per
    process, not once per page: half the transforms a page costs."""
    import numpy as np

    yy, xx = np.mgrid[-pad:pad + 1, -pad:pad + 1]
    dist = np.hypot(yy, xx)
    ring = ((dist >= r - 1.0) & (dist < r + 1.0)).astype(np.float64)
    kernel = np.zeros(shape)
    kernel[:ring.shape[0], :ring.shape[1]] = ring
    spectrum = np.fft.rfft2(kernel)
    spectrum.flags.writeable = False
    return spectrum, float(ring.sum())


def rings(mask: Any, radii: range) -> list[tuple[float, float, float, float]]:
    """Circles of ink in a 0/1 ``mask`` (work pixels): ``(x, y, radius, ring share)`` of each,
    best first, at most :data:`MAX_SEALS`, none inside another."""
    import numpy as np

    h, w = mask.shape
    pad = radii.stop + 4
    shape = (h + 2 * pad, w + 2 * pad)
    spectrum = np.fft.rfft2(mask, shape)

    def share(r: int) -> Any:
        kernel, size = _ring_spectrum(shape, pad, r)
        conv = np.fft.irfft2(spectrum * kernel, shape)
        # centre of the kernel at (pad, pad): the sum around (y, x) sits at (y + pad, x + pad)
        return conv[pad:pad + h, pad:pad + w] / size

    shares = {r: share(r) for r in range(radii.start, radii.stop + 4)}
    best = np.zeros((h, w))
    best_r = np.zeros((h, w))
    for r in radii:
        score = np.where(shares[r] - shares[r + 3] >= MIN_CONTRAST, shares[r], 0.0)
        better = score > best
        best = np.where(better, score, best)
        best_r = np.where(better, r, best_r)
    found: list[tuple[float, float, float, float]] = []
    rows, cols = np.arange(h)[:, None], np.arange(w)[None, :]
    while len(found) < MAX_SEALS:
        cy, cx = (int(v) for v in np.unravel_index(int(np.argmax(best)), best.shape))
        if best[cy, cx] < MIN_RING:
            break
        radius = float(best_r[cy, cx])
        found.append((float(cx), float(cy), radius, float(best[cy, cx])))
        best[(rows - cy) ** 2 + (cols - cx) ** 2 <= (1.5 * radius) ** 2] = 0.0
    return found


def find_seals(rendered: Any, dpi: int) -> list[Word]:
    """The seals of a page as rendered (PIL, RGB or L, at ``dpi``): words on ``seal.<k>``
    lines, the disc's box in pixels, the ring's share as confidence (0-100)."""
    import numpy as np

    from pipeline.ocr.clean import drop_ink, red_ink

    factor = max(1, round(dpi / WORK_DPI))
    px_per_mm = dpi / factor / 25.4
    radii = range(int(MIN_DIAMETER_MM / 2 * px_per_mm), int(MAX_DIAMETER_MM / 2 * px_per_mm) + 1)
    masks = []
    if rendered.mode == "RGB":
        masks.append(("red", np.asarray(red_ink(rendered)) < 128))
        masks.append(("black", np.asarray(drop_ink(rendered)) < 128))
    else:
        masks.append(("black", np.asarray(rendered.convert("L")) < 128))
    words: list[Word] = []
    # a ring of the smallest radius, two work pixels wide, MIN_RING of it inked (less a tenth
    # for the pixels a drawn circle misses): a mask with less ink than that (the red of a
    # page without red) holds no seal and is not searched
    least = 0.9 * MIN_RING * 2 * math.pi * radii.start * 2
    for colour, ink in masks:
        mask = _reduce(ink, factor)
        if mask.sum() < least:
            continue
        for x, y, r, ring in rings(mask, radii):
            if any(abs(w.x0 + w.x1 - 2 * x * factor) < r * factor
                   and abs(w.y0 + w.y1 - 2 * y * factor) < r * factor for w in words):
                continue  # a red seal is also dark: found once, as red
            words.append(Word(
                x0=int((x - r) * factor), y0=int((y - r) * factor), x1=int((x + r) * factor),
                y1=int((y + r) * factor), conf=round(100 * ring, 1), text=f"seal:{colour}",
                line=f"{SEAL_LINE}{len(words)}"))
    return words
