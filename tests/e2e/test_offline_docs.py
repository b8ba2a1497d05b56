"""/docs and /redoc work on a machine without internet: headless Chromium (Debian's, driven over
its own chromium-driver, nothing downloaded) loads them from the running review service with every
request to any other address refused, and records every request the pages make. Swagger UI lists
as many operations as the document has, ReDoc shows the title, no page asked another address for
anything, and a screenshot of each is kept beside the test logs."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.e2e.conftest import LOGS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def browser():
    driver_path = subprocess.run([str(ROOT / "infra" / "chromium.sh")], check=True, capture_output=True,
                                 text=True).stdout.strip()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,2000",
                     # Every address but this machine's goes to a proxy that is not there: refused.
                     "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
                     "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    browser.set_page_load_timeout(60)
    yield browser
    browser.quit()


def _requested(browser) -> set[str]:
    urls = set()
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    return urls


def _wait(browser, script: str, done, timeout: float = 60):
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = browser.execute_script(script)
        if done(value):
            return value
        time.sleep(0.25)
    return value


def test_swagger_ui_lists_every_operation_with_no_other_address_asked(stack, browser):
    base = stack.url("review")
    document = httpx.get(base + "/openapi.json", timeout=30).json()
    operations = sum(len(ops) for ops in document["paths"].values())
    browser.get(base + "/docs")
    shown = _wait(browser, "return document.querySelectorAll('.opblock').length", lambda n: n >= operations)
    browser.save_screenshot(str(LOGS / "docs-review.png"))
    assert shown == operations
    requested = _requested(browser)
    assert {urlparse(u).netloc for u in requested if u.startswith("http")} == {urlparse(base).netloc}, requested
    assert any(u.endswith("/docs-assets/swagger-ui-bundle.js") for u in requested)


def test_redoc_shows_the_title_with_no_other_address_asked(stack, browser):
    base = stack.url("review")
    browser.get(base + "/redoc")
    title = _wait(browser, "const h = document.querySelector('h1'); return h ? h.textContent : ''",
                  lambda text: "zhicheng review" in text)
    browser.save_screenshot(str(LOGS / "redoc-review.png"))
    assert "zhicheng review" in title
    requested = _requested(browser)
    assert {urlparse(u).netloc for u in requested if u.startswith("http")} == {urlparse(base).netloc}, requested
    assert (LOGS / "redoc-review.png").stat().st_size > 10_000


@pytest.mark.parametrize("service", ["intake", "eligibility", "notify"])
def test_every_service_serves_the_docs_assets_itself(stack, service):
    page = httpx.get(stack.url(service) + "/docs", timeout=30).text
    assert "cdn." not in page and "/docs-assets/swagger-ui-bundle.js" in page
    asset = httpx.get(stack.url(service) + "/docs-assets/redoc.standalone.js", timeout=30)
    assert asset.status_code == 200 and len(asset.content) > 100_000
