"""The page-progress hook: a listener hears each page once, from the page threads."""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor

from pipeline.ocr import progress


def test_a_listener_hears_each_page_and_can_be_removed():
    heard = []
    progress.set_listener(lambda: heard.append(1))
    try:
        progress.page_done()
        progress.page_done()
    finally:
        progress.set_listener(None)
    progress.page_done()
    assert heard == [1, 1]


def test_a_shared_counter_counts_pages_from_threads():
    counter = mp.get_context().Value("i", 0)
    assert progress.counter_listener(None) is None
    progress.set_listener(progress.counter_listener(counter))
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda _: progress.page_done(), range(50)))
    finally:
        progress.set_listener(None)
    assert counter.value == 50
