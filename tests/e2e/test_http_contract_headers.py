"""What the running services promise in headers, on one case: ETag with the case's version and
If-Match honoured on a decision (412 and nothing recorded on a stale version; a batch item's
expected_version alike), Location on 201, cursor pages linked by `Link: rel="next"`,
WWW-Authenticate on 401, `Cache-Control: no-store` on personal data, and every error a problem."""
from __future__ import annotations

import json

import httpx
import pytest

from tests.e2e.api import applicant_token
from tests.e2e.season import PEOPLE, Season, at_keqiao, named
from tests.fixtures.builders import normal_applicant

PROBLEM = "application/problem+json"
OPINION = {"opinion": "同意推荐"}


@pytest.fixture(scope="module")
def app():
    return at_keqiao(named(normal_applicant(), "郑明"))


async def test_a_decision_on_a_version_the_reviewer_did_not_see_is_refused_with_412(stack, eventually, app):
    async with httpx.AsyncClient(timeout=30) as client:
        season = Season(client, stack, eventually)
        await season.file(app)
        await season.reaches(app.application_id, "at_unit")
        read = await client.get(season.url("review", f"/cases/{app.application_id}"), headers=PEOPLE["kq_unit"])
        assert read.status_code == 200
        etag = read.headers["ETag"]
        assert etag == f'"{read.json()["case"]["version"]}"'
        assert read.headers["Cache-Control"] == "no-store"

        stale = f'"{read.json()["case"]["version"] - 1}"'
        refused = await client.post(season.url("review", f"/cases/{app.application_id}/unit-pass"), json=OPINION,
                                    headers={**PEOPLE["kq_unit"], "If-Match": stale})
        assert refused.status_code == 412, refused.text
        assert refused.headers["content-type"].startswith(PROBLEM)
        problem = refused.json()
        assert (problem["status"], problem["code"], problem["title"]) == (412, "VERSION_MISMATCH",
                                                                          "Precondition Failed")
        assert problem["message_zh"] and problem["detail"] == problem["message_en"]
        assert (await season.case(app.application_id))["case"]["version"] == read.json()["case"]["version"]

        batch = await client.post(season.url("review", "/cases/batch"), headers=PEOPLE["kq_unit"], json={
            "decision": "unit-pass", "items": [{"application_id": str(app.application_id),
                                                "expected_version": int(stale.strip('"')), "fields": OPINION}]})
        assert batch.status_code == 200
        assert batch.json()["results"][0]["status"] == 412
        assert batch.json()["failed"] == 1

        decided = await client.post(season.url("review", f"/cases/{app.application_id}/unit-pass"), json=OPINION,
                                    headers={**PEOPLE["kq_unit"], "If-Match": etag})
        assert decided.status_code == 200, decided.text
        assert decided.headers["ETag"] == f'"{decided.json()["case"]["version"]}"' != etag


async def test_lists_come_in_linked_pages_and_errors_as_problems(stack, eventually, app):
    async with httpx.AsyncClient(timeout=30) as client:
        season = Season(client, stack, eventually)
        await season.reaches(app.application_id, "awaiting_notice")
        path = f"/cases/{app.application_id}/history"  # the stored history, paged
        first = await client.get(season.url("review", path), params={"limit": 1}, headers=PEOPLE["auditor"])
        assert len(first.json()["history"]) == 1
        seen = [first.json()["history"][0]["stream_version"]]
        link = first.headers["Link"]
        while link:
            assert link.endswith('>; rel="next"')
            page = await client.get(season.url("review", link[1:link.index(">")]), headers=PEOPLE["auditor"])
            seen += [e["stream_version"] for e in page.json()["history"]]
            link = page.headers.get("Link")
        assert seen == list(range(1, len(seen) + 1)) and len(seen) >= 2

        inbox = await client.get(season.url("review", "/inbox"), params={"limit": 1}, headers=PEOPLE["auditor"])
        assert len(inbox.json()["cases"]) == 1
        bad = await client.get(season.url("review", "/inbox"), params={"cursor": "bm90LWEtY3Vyc29y"},
                               headers=PEOPLE["auditor"])
        assert (bad.status_code, bad.json()["code"]) == (422, "BAD_CURSOR")

        anonymous = await client.get(season.url("review", "/inbox"))
        assert anonymous.status_code == 401
        assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
        assert anonymous.headers["content-type"].startswith(PROBLEM)
        assert anonymous.json()["type"] == "urn:zhicheng:problem:unauthenticated"

        malformed = await client.post(season.url("intake", f"/applications/{app.application_id}/withdrawal"),
                                      json={}, headers=applicant_token("110101199003070015"))
        assert malformed.status_code in (404, 422)
        assert malformed.headers["content-type"].startswith(PROBLEM)
        assert {"type", "title", "status", "detail", "code", "message_zh", "message_en", "details"} <= set(
            malformed.json())


async def test_an_archive_entry_is_created_with_its_location(stack):
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.post(stack.url("review") + "/archive", headers=applicant_token("110101199003070015"),
                                   json={"unit_id": "u-kq-test", "title": "柯桥某工程", "achieved_on": "2018-01-01"})
        assert answer.status_code == 201, answer.text
        assert answer.headers["Location"] == f"/audit/streams/archive-{answer.json()['entry_id']}"


async def test_every_line_the_services_wrote_is_json_with_an_access_line_per_request(stack):
    async with httpx.AsyncClient(timeout=30) as client:
        answer = await client.get(stack.url("review") + "/inbox", headers=PEOPLE["auditor"])
    correlation = answer.headers["X-Correlation-Id"]
    for service in ("intake", "eligibility", "review", "notify"):
        # split on newlines only: a JSON string may hold U+2028 or \x1c, which splitlines() splits on
        lines = [line for line in stack.log(service).read_text(encoding="utf-8").split("\n") if line.strip()]
        not_json = [line for line in lines if not _is_json(line)]
        assert not not_json, (service, not_json[:5])
    access = [json.loads(line) for line in stack.log("review").read_text(encoding="utf-8").split("\n")
              if '"http.access"' in line and correlation in line]
    assert access and access[0]["route"] == "/inbox" and access[0]["status"] == 200
    assert access[0]["trace_id"] == correlation.replace("-", "")


def _is_json(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False
