"""Starts the fake SMS provider on a free loopback port, in a thread, for the whole session."""
from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from tests.fake_sms_provider import create_app

API_KEY = "test-key"


class Provider:
    def __init__(self, base_url: str, api_key: str) -> None:
        self.base_url, self.api_key = base_url, api_key
        self.sms_url = f"{base_url}/sms"

    def control(self, **kwargs) -> None:
        httpx.post(f"{self.base_url}/control", json=kwargs).raise_for_status()

    def messages(self) -> dict:
        return httpx.get(f"{self.base_url}/messages").json()

    def delivered(self) -> list[str]:
        """The OutIds of the messages the platform sent, in order."""
        return [m["key"] for m in self.messages()["messages"]]


@pytest.fixture(scope="session")
def provider_server():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; uvicorn serves on this very socket
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(API_KEY), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake SMS provider did not start")
        time.sleep(0.01)
    yield Provider(f"http://127.0.0.1:{port}", API_KEY)
    server.should_exit = True
    thread.join(timeout=5)
    sock.close()


@pytest.fixture
def provider(provider_server):
    httpx.post(f"{provider_server.base_url}/reset").raise_for_status()
    return provider_server
