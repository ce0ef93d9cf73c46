# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Screenshots of Odoo pages in headless Chromium (Debian's chromium), logged in
with a session cookie, through the DevTools protocol (websocket-client)."""

import base64
import itertools
import json
import os
import resource
import shutil
import subprocess
import tempfile
import time

import requests
import websocket

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def chromium_path():
    for name in CHROMIUM:
        path = shutil.which(name)
        if path:
            return path
    return None


def _without_memory_limit():
    """Chromium reserves far more virtual memory than the address-space limit
    Odoo sets on its process (limit_memory_hard) and dies under it: lift it, as
    Odoo's own test browser does."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def odoo_session(url, db, login="admin", password="admin"):
    """A session_id cookie value for ``login``."""
    response = requests.post(
        f"{url}/web/session/authenticate",
        json={
            "jsonrpc": "2.0",
            "params": {"db": db, "login": login, "password": password},
        },
        timeout=60,
    )
    response.raise_for_status()
    return response.cookies["session_id"]


class Browser:
    def __init__(self, port, width=1440, height=900):
        self.profile = tempfile.mkdtemp(prefix="mfg-chromium-")
        self.log = open(f"{self.profile}.log", "wb")  # closed in close()
        self.process = subprocess.Popen(
            [
                chromium_path(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=_without_memory_limit,  # as Odoo's test browser
        )
        self._ids = itertools.count(1)
        # a loaded machine can take a while to start Chromium
        deadline = time.time() + 120
        while True:
            try:
                targets = requests.get(
                    f"http://127.0.0.1:{port}/json", timeout=2
                ).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.RequestException, StopIteration, ValueError):
                if self.process.poll() is not None or time.time() > deadline:
                    self.log.flush()
                    with open(self.log.name, "rb") as handle:
                        output = handle.read()[-2000:].decode(errors="replace")
                    raise RuntimeError(
                        f"Chromium's DevTools did not answer on port {port}: {output}"
                    ) from None
                time.sleep(0.5)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.call("Page.enable")
        self.call("Network.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method, **params):
        call_id = next(self._ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def login(self, url, session_id):
        self.call(
            "Network.setCookie", name="session_id", value=session_id, url=url, path="/"
        )

    def screenshot(self, url, path, ready_selector, settle=1.5, timeout=60, height=900):
        """Open ``url``, wait for ``ready_selector`` then save a PNG."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=1440,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.call("Page.navigate", url=url)
        deadline = time.time() + timeout
        check = f"!!document.querySelector({json.dumps(ready_selector)})"
        while not self.evaluate(check):
            if time.time() > deadline:
                raise TimeoutError(f"{ready_selector} never showed on {url}")
            time.sleep(0.3)
        time.sleep(settle)  # fonts, charts, the last renders
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))
        return path

    def close(self):
        try:
            self.ws.close()
        finally:
            self.process.terminate()
            self.process.wait(20)
            self.log.close()
            shutil.rmtree(self.profile, ignore_errors=True)
            os.unlink(self.log.name)
