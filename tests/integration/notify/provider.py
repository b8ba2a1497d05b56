"""The fake SMS provider in a thread of the test process, on a free loopback port."""
from __future__ import annotations

import socket
import threading
import time

import httpx
import uvicorn

from tests.fake_sms_provider import create_app

API_KEY = "notify-test-key"


class FakeProvider:
    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.sms_url, self.api_key = f"{self.base_url}/sms", API_KEY
        self._server = uvicorn.Server(uvicorn.Config(create_app(API_KEY), log_level="warning", lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    def start(self) -> "FakeProvider":
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("fake SMS provider did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._sock.close()

    def env(self) -> dict[str, str]:
        return {"ZC_SMS_GATEWAY": "http", "ZC_SMS_URL": self.sms_url, "ZC_SMS_API_KEY": self.api_key}

    def control(self, **kwargs) -> None:
        httpx.post(f"{self.base_url}/control", json=kwargs).raise_for_status()

    def reset(self) -> None:
        httpx.post(f"{self.base_url}/reset").raise_for_status()

    def messages(self) -> dict:
        return httpx.get(f"{self.base_url}/messages").json()
