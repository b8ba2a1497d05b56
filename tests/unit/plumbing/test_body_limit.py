"""Request bodies over the limit get 413 with the bilingual body, declared or streamed."""
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from plumbing.edges.http import install_body_limit, install_error_handlers


def _client(limit: int) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)
    install_body_limit(app, limit)

    @app.post("/echo")
    async def echo(request: Request) -> dict:
        return {"bytes": len(await request.body())}

    return TestClient(app)


def test_a_body_within_the_limit_reaches_the_route():
    assert _client(100).post("/echo", content=b"x" * 100).json() == {"bytes": 100}


def test_a_declared_body_over_the_limit_is_refused_with_413_and_a_bilingual_code():
    response = _client(100).post("/echo", content=b"x" * 101)
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "BODY_TOO_LARGE" and body["message_zh"] and body["message_en"]
    assert body["details"]["limit_bytes"] == 100


def test_a_streamed_body_without_a_length_over_the_limit_is_refused_with_413():
    def chunks():
        for _ in range(10):
            yield b"x" * 50

    response = _client(100).post("/echo", content=chunks())
    assert response.status_code == 413 and response.json()["code"] == "BODY_TOO_LARGE"
