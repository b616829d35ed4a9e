"""The review page in a real browser: Debian's chromium driven by chromedriver through
Selenium (installed by ``scripts/setup.sh``). The tests open the list, filter it, open a
letter, check that each field's box sits where the ``fields`` table puts it on the page
image, correct a value from the keyboard and find it stored."""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from pipeline.api import ingest, read_dataset
from pipeline.corrections import corrections
from pipeline.review.app import create_app
from tests.conftest import SAMPLES

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
LETTER = SAMPLES / "generated" / "cv-sxd-1204.pdf"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    src = tmp_path_factory.mktemp("in")
    shutil.copyfile(LETTER, src / "cv-sxd-1204.pdf")
    shutil.copyfile(SAMPLES / "generated" / "tb-vp-blank.txt", src / "tb-vp-blank.txt")
    (src / "empty.pdf").write_bytes(b"")
    out = tmp_path_factory.mktemp("ds") / "ds"
    ingest([src], out, workers=1, executor="serial")
    return out


@pytest.fixture(scope="module")
def server(dataset):
    srv = make_server("127.0.0.1", 0, create_app(dataset, who="lan"), threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.port}"
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and DRIVER.exists()):
        pytest.skip("Debian's chromium and chromium-driver are not installed "
                    "(scripts/setup.sh installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="vanthu-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                 "--window-size=1400,1000", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _doc_id(dataset, name):
    docs = read_dataset(dataset)
    return docs[docs["source_path"].str.endswith(name)].iloc[0]["doc_id"]


def test_the_list_filters_documents(server, browser, dataset):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.doc")
    assert len(rows) == 3
    browser.get(server + "/?status=failed")
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.doc")
    assert [r.get_attribute("data-doc-id") for r in rows] == [_doc_id(dataset, "empty.pdf")]
    browser.get(server + "/?empty=issue_date&status=ok")
    assert "tb-vp-blank.txt" in browser.find_element(By.ID, "documents").text
    assert "cv-sxd-1204.pdf" not in browser.find_element(By.ID, "documents").text


def _wait_image(browser):
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 20).until(lambda d: d.execute_script(
        "const i = document.querySelector('.page img'); return i && i.complete "
        "&& i.naturalWidth > 0"))


def test_each_box_sits_where_the_fields_table_puts_it(server, browser, dataset):
    from selenium.webdriver.common.by import By

    doc_id = _doc_id(dataset, "cv-sxd-1204.pdf")
    browser.get(f"{server}/doc/{doc_id}")
    _wait_image(browser)
    page = browser.find_element(By.CSS_SELECTOR, ".page")
    img = page.find_element(By.TAG_NAME, "img").rect
    width, height = float(page.get_attribute("data-width")), float(page.get_attribute(
        "data-height"))
    fields = read_dataset(dataset, "fields")
    fields = fields[fields["source_path"].str.endswith("cv-sxd-1204.pdf")
                    & fields["x0"].notna()]
    boxes = {b.get_attribute("data-field"): b.rect
             for b in browser.find_elements(By.CSS_SELECTOR, ".box")}
    shown = set(boxes)
    assert shown == set(fields["field"]) & shown and len(shown) >= 10
    for _, f in fields[fields["field"].isin(shown)].iterrows():
        got = boxes[f["field"]]
        scale_x, scale_y = img["width"] / width, img["height"] / height
        assert abs(got["x"] - img["x"] - f["x0"] * scale_x) <= 2, f["field"]
        assert abs(got["y"] - img["y"] - f["y0"] * scale_y) <= 2, f["field"]
        assert abs(got["width"] - (f["x1"] - f["x0"]) * scale_x) <= 2, f["field"]
        assert abs(got["height"] - (f["y1"] - f["y0"]) * scale_y) <= 2, f["field"]
    # beside the page, each value with its provenance
    code = browser.find_element(By.CSS_SELECTOR, 'tr.field[data-field="code"]').text
    assert "1204/SXD-QLN" in code and "page 1" in code and "text_layer" in code


def test_a_screenshot_of_the_page_shows_the_boxes_drawn(server, browser, dataset, tmp_path):
    """The drawn boxes are checked by their pixels rather than against a stored PNG: a new
    chromium renders the page's text a little differently, while the box borders are solid
    2-pixel lines of a colour the page itself never uses."""
    from PIL import Image
    from selenium.webdriver.common.by import By

    doc_id = _doc_id(dataset, "cv-sxd-1204.pdf")
    browser.get(f"{server}/doc/{doc_id}")
    _wait_image(browser)
    shot = tmp_path / "doc.png"
    browser.save_screenshot(str(shot))
    image = Image.open(shot).convert("RGB")
    box = browser.find_element(By.CSS_SELECTOR, '.box[data-field="signer_name"]').rect
    red = (230, 0, 0)

    def near(p, q):
        return all(abs(a - b) <= 40 for a, b in zip(p, q, strict=True))

    mid_y = int(box["y"] + box["height"] / 2)
    assert near(image.getpixel((int(box["x"]) + 1, mid_y)), red)  # left border
    assert near(image.getpixel((int(box["x"] + box["width"]) - 1, mid_y)), red)  # right
    # the first field (doc_type) is the current one: its box is blue
    cur = browser.find_element(By.CSS_SELECTOR, ".box.current").rect
    assert near(image.getpixel((int(cur["x"]) + 1, int(cur["y"] + cur["height"] / 2))),
                (0, 90, 255))


def test_a_value_corrected_from_the_keyboard_is_stored(server, browser, dataset):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    doc_id = _doc_id(dataset, "cv-sxd-1204.pdf")
    browser.get(f"{server}/doc/{doc_id}")
    _wait_image(browser)
    names = [r.get_attribute("data-field")
             for r in browser.find_elements(By.CSS_SELECTOR, "tr.field")]
    steps = names.index("signer_name")
    ActionChains(browser).send_keys("j" * steps + "e").perform()
    row = browser.find_element(By.CSS_SELECTOR, 'tr.field[data-field="signer_name"]')
    assert "current" in row.get_attribute("class")
    box = browser.find_element(By.CSS_SELECTOR, '.box[data-field="signer_name"]')
    assert "current" in box.get_attribute("class")  # its box lights up on the page
    field = row.find_element(By.CSS_SELECTOR, "input.value")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys("Trần Thị Mai Anh", Keys.ENTER)
    WebDriverWait(browser, 10).until(lambda d: row.get_attribute("data-saved") == "1")
    assert row.find_element(By.CSS_SELECTOR, "span.value").text == "Trần Thị Mai Anh"
    docs = read_dataset(dataset)
    assert docs[docs["doc_id"] == doc_id].iloc[0]["signer_name"] == "Trần Thị Mai Anh"
    made = corrections(dataset)
    assert list(made["field"]) == ["signer_name"] and list(made["who"]) == ["lan"]
    assert json.loads(made.iloc[0]["old_value"]) == "Trần Thị Mai"
    # and the page, loaded again, shows it as a manual value
    browser.get(f"{server}/doc/{doc_id}")
    again = browser.find_element(By.CSS_SELECTOR, 'tr.field[data-field="signer_name"]').text
    assert "Trần Thị Mai Anh" in again and "manual" in again
    # accepting another value with "a" stores it unchanged, so a later change is flagged
    ActionChains(browser).send_keys("a").perform()
    WebDriverWait(browser, 10).until(lambda d: len(corrections(dataset)) == 2)
    assert corrections(dataset).iloc[1]["field"] == names[0]


def test_vanthu_review_serves_on_localhost_and_prints_the_port(dataset):
    import subprocess
    import sys
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "review", str(dataset)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert line.startswith("vanthu review: http://127.0.0.1:")
        url = line.split()[2]
        with urllib.request.urlopen(url, timeout=30) as res:
            page = res.read().decode("utf-8")
        assert "cv-sxd-1204.pdf" in page and "3 of 3 documents" in page
    finally:
        proc.terminate()
        proc.wait(timeout=30)
