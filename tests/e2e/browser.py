"""A real browser on the web front end: headless Chromium from Debian driven by Selenium through
Debian's chromium-driver (its path given: nothing is downloaded). After every page it keeps a
screenshot (reports/browser/), runs axe-core (from npm, injected) for WCAG 2.1 A/AA, and reads the
console: any Content-Security-Policy violation fails the test."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("ZC_BROWSER_ARTEFACTS") or ROOT / "reports" / "browser")
AXE = ROOT / "infra" / ".cache" / "web-assets" / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromedriver() -> str:
    found = os.environ.get("ZC_CHROMEDRIVER") or shutil.which("chromedriver")
    if not found:
        raise RuntimeError("chromedriver not found: run infra/chromium.sh (make test does)")
    return found


def csp_violations(entries: list[dict]) -> list[str]:
    return [e["message"] for e in entries if "Content Security Policy" in e.get("message", "")]


class Front:
    """The identity provider, the token service and the web front end as processes, on free ports,
    talking to a running stack of the four services."""

    def __init__(self, service_ports: dict[str, int], accounts_file: Path, run_dir: Path) -> None:
        self.ports = {"idp": free_port(), "tokens": free_port(), "web": free_port()}
        # As `make up` gives them (zc/supervise.py front_programs): no service's key, the person_ref
        # key least of all (the token service asks intake for a person_ref).
        own = {k: v for k, v in os.environ.items()
               if k not in ("ZC_PERSON_REF_SECRET", "ZC_OPERATOR_REF_SECRET", "ZC_PERSONAL_DATA_MASTER_KEY")}
        self.env = {**own, "ZC_DEV_MODE": "1", "ZC_ACCOUNTS_FILE": str(accounts_file),
                    "ZC_WEB_SESSION_DB": str(run_dir / "sessions.sqlite3"),
                    **{f"ZC_{n.upper()}_PORT": str(p) for n, p in {**service_ports, **self.ports}.items()}}
        self.run_dir, self.procs = run_dir, {}

    def url(self, name: str = "web") -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def start(self) -> None:
        commands = {"idp": ["-m", "identity", "provider"], "tokens": ["-m", "identity", "tokens"], "web": ["-m", "web"]}
        for name, args in commands.items():
            log = open(self.run_dir / f"{name}.log", "ab")
            self.procs[name] = subprocess.Popen([sys.executable, *args], env=self.env, cwd=ROOT, stdout=log,
                                                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        for name in commands:
            while True:
                if self.procs[name].poll() is not None:
                    raise RuntimeError(f"{name} exited; see {self.run_dir / (name + '.log')}")
                try:
                    urllib.request.urlopen(self.url(name) + "/readyz", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{name} not ready") from None
                    time.sleep(0.2)

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


class Browser:
    def __init__(self, web: str, series: str = "") -> None:
        """`series`: the screenshots' name prefix, so two browser tests keep each other's pictures."""
        self.downloads = SHOTS / f"downloads{('-' + series.strip('-')) if series else ''}"
        options = webdriver.ChromeOptions()
        options.add_experimental_option("prefs", {"download.default_directory": str(self.downloads),
                                                  "download.prompt_for_download": False})
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,900",
                    "--lang=zh-CN", "--disable-gpu"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(executable_path=chromedriver()), options=options)
        self.driver.set_page_load_timeout(30)
        self.web, self.shots, self.series, self.axe = web, 0, series, AXE.read_text(encoding="utf-8")
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.downloads.mkdir(parents=True, exist_ok=True)
        for old in [*SHOTS.glob(f"{series}[0-9][0-9]-*.png"), *self.downloads.iterdir()]:  # this run's files only
            old.unlink()

    def quit(self) -> None:
        self.driver.quit()

    # --- what every page must pass ---------------------------------------------------------------
    def check(self, name: str) -> None:
        """Screenshot, axe-core (WCAG 2.1 A/AA) and the console's CSP report of the page shown now."""
        self.shots += 1
        self.driver.save_screenshot(str(SHOTS / f"{self.series}{self.shots:02d}-{name}.png"))
        self.driver.execute_script(self.axe)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(r => done(JSON.stringify("
            "r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target)})))))"
            ".catch(e => done(JSON.stringify([{id: 'axe-error', help: String(e)}])));", WCAG)
        violations = json.loads(result)
        assert violations == [], f"{name}: WCAG 2.1 A/AA violations: {violations}"
        assert csp_violations(self.driver.get_log("browser")) == [], f"{name}: CSP violations in the console"

    # --- the keyboard -----------------------------------------------------------------------------
    def active(self):
        return self.driver.switch_to.active_element

    def keys(self, *keys: str) -> None:
        """Keys typed into whatever has the focus, as a keyboard would."""
        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, element_id: str, limit: int = 120) -> None:
        """Press Tab until the element is focused (the way a keyboard user moves), bounded."""
        for _ in range(limit):
            if self.active().get_attribute("id") == element_id:
                return
            self.keys(Keys.TAB)
        raise AssertionError(f"Tab never reached #{element_id}")

    def key_in(self, element_id: str, text: str) -> None:
        self.tab_to(element_id)
        self.keys(text)

    def choose(self, element_id: str, value: str) -> None:
        """A <select> by the keyboard: arrow down to the option with this value."""
        self.tab_to(element_id)
        values = [o.get_attribute("value") for o in self.active().find_elements(By.TAG_NAME, "option")]
        for _ in range(values.index(value)):
            self.keys(Keys.ARROW_DOWN)
        assert self.active().get_attribute("value") == value

    def retype(self, element_id: str, text: str) -> None:
        """Replace what a field holds, as a keyboard would (select all, type over it)."""
        self.tab_to(element_id)
        ActionChains(self.driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).send_keys(Keys.BACKSPACE).perform()
        self.keys(text)
        assert self.active().get_attribute("value") == text

    def press(self, element_id: str, key: str = Keys.ENTER) -> None:
        self.tab_to(element_id)
        self.keys(key)

    # --- pages ------------------------------------------------------------------------------------
    def go(self, path: str) -> None:
        self.driver.get(self.web + path)
        self.driver.find_element(By.ID, "main")  # a page of ours, not an error from elsewhere

    def text(self) -> str:
        return self.driver.execute_script("return document.body ? document.body.innerText : ''") or ""

    def wait_for(self, predicate, timeout: float = 30, what: str = "") -> None:
        try:
            WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(lambda _d: predicate())
        except TimeoutException:
            raise AssertionError(f"waited {timeout}s for {what}; page: {self.driver.current_url}\n{self.text()[:1500]}") from None

    def reload_until(self, path: str, wanted: str, timeout: float = 45) -> None:
        """Reload a page until it shows `wanted` (the services agree through Kafka, eventually)."""
        deadline = time.monotonic() + timeout
        while True:
            self.go(path)
            if re.search(wanted, self.text()):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} never showed {wanted!r}:\n{self.text()[:1500]}")
            time.sleep(0.5)

    def sign_in(self, username: str, password: str, lands_on: str, check_provider: bool = False) -> None:
        """From the landing page through the provider's form, by the keyboard."""
        self.go("/")
        self.driver.find_element(By.LINK_TEXT, "登录").send_keys(Keys.ENTER)  # focus it and press Enter
        self.wait_for(lambda: "/authorize" in self.driver.current_url, what="the provider's sign-in page")
        if check_provider:
            self.check("provider-sign-in")
        self.tab_to("username")
        self.keys(username, Keys.TAB, password, Keys.ENTER)
        self.wait_for(lambda: self.driver.current_url.startswith(self.web + lands_on), what=f"landing on {lands_on}")

    def sign_out(self) -> None:
        self.driver.find_element(By.CSS_SELECTOR, ".who button").send_keys(Keys.ENTER)
        self.wait_for(lambda: "登录" in self.text() and "退出登录" not in self.text(), what="signed out")
