"""Every service serves the AsyncAPI document and its viewer, the viewer's files from the pinned
package: the page loads nothing from another host."""
import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from contracts.asyncapi import DOCUMENT
from plumbing.edges.asyncapi_docs import install_asyncapi


def _client() -> TestClient:
    app = FastAPI(title="zhicheng review")
    install_asyncapi(app)
    return TestClient(app)


def test_the_document_and_the_viewer_are_served_with_no_asset_from_another_host():
    client = _client()
    assert client.get("/asyncapi.json").content == DOCUMENT.read_bytes()
    page = client.get("/asyncapi")
    assert page.status_code == 200 and "<asyncapi-viewer" in page.text
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        answer = client.get(source)
        assert answer.status_code == 200 and len(answer.content) > 400, source
    script, = [s for s in sources if s.startswith("/asyncapi/assets/") and s.endswith(".js")]
    assert client.get(script).headers["content-type"].startswith("text/javascript")


def test_only_the_viewer_s_own_files_are_served():
    client = _client()
    assert client.get("/asyncapi/assets/..%2Fassets.py").status_code == 404
    assert client.get("/asyncapi/assets/manifest.json").status_code == 404


def test_the_services_serve_it():
    from plumbing.runtime import build_app  # every service's app is built here
    import inspect

    assert "install_asyncapi(app)" in inspect.getsource(build_app)
