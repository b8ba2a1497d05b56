"""Every route of the four running services with every person's role (issue 19): the answer follows
the permission table. Each operation's `x-roles` is what `caller` enforces, and for review it is
the table itself (`PERMISSIONS[x-action]`, tests/unit/review/test_route_permissions.py): where the
table says no, 403 ROLE_NOT_ALLOWED with the bilingual body, before anything is loaded; where it
says yes, never 401 and never that 403. Then the scope half, on a real case: the applicant reads
their own case (the decisions, the reason, what to fix; not the reviewer's name), not its stored
history (403), and another applicant's case answers like a missing one (404)."""
from __future__ import annotations

import re
import uuid

import httpx

from contracts.envelope import Role
from services.review.domain.authorization import PERMISSIONS
from tests.e2e.api import (applicant_token, filed_by, id_number_of, submit_body, token, with_approved_archive,
                           with_new_id)
from tests.fixtures.builders import ID_NUMBER, normal_applicant

PERSON_ROLES = [r for r in Role if r is not Role.SYSTEM]
UNGUARDED = {"/healthz", "/readyz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json", "/metrics"}


def _as(role: Role, operation: str) -> dict:
    """A token of `role`; a subject per operation, so that rate limits never answer for the table."""
    if role is Role.APPLICANT:
        return applicant_token(ID_NUMBER)
    return token(role, org="u-sx-jzsj", area="yuecheng", user=f"walk {operation}")


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: str(uuid.uuid4()) if "id" in m.group(0) else "x-1", path)


async def test_every_route_answers_every_role_as_the_permission_table_says(stack):
    walked = 0
    async with httpx.AsyncClient(timeout=30) as client:
        for service in ("intake", "eligibility", "review", "notify"):
            spec = (await client.get(stack.url(service) + "/openapi.json")).json()
            for path, operations in spec["paths"].items():
                if path in UNGUARDED:
                    continue
                for method, op in operations.items():
                    name = f"{service} {method.upper()} {path}"
                    admitted = set(op.get("x-roles") or ())
                    assert admitted, f"{name} declares no roles"
                    if service == "review" and not path.startswith("/audit/"):  # plumbing's: auditors
                        assert admitted == {r.value for r in PERMISSIONS[op["x-action"]] - {Role.SYSTEM}}, name
                    for role in PERSON_ROLES:
                        answer = await client.request(method.upper(), stack.url(service) + _concrete(path),
                                                      headers=_as(role, name),
                                                      json={} if method in ("post", "put", "patch") else None)
                        body = answer.json() if answer.status_code >= 400 else {}  # 2xx: JSON, CSV or XLSX
                        assert answer.status_code < 400 or body.get("message_zh") and body.get("message_en"), \
                            (name, role, answer.text)
                        if role.value in admitted:
                            assert answer.status_code != 401 and body.get("code") != "ROLE_NOT_ALLOWED", \
                                (name, role, answer.status_code, answer.text)
                        else:
                            assert (answer.status_code, body.get("code")) == (403, "ROLE_NOT_ALLOWED"), \
                                (name, role, answer.status_code, answer.text)
                        walked += 1
    assert walked >= 40 * len(PERSON_ROLES)  # every operation of the four services, each with every role


async def test_an_applicant_reads_their_own_decisions_and_reasons_but_no_reviewer_and_no_one_elses_case(
        stack, eventually):
    app = filed_by(with_new_id(normal_applicant()), "周看案")
    mine = id_number_of("周看案")
    review = stack.url("review")
    async with httpx.AsyncClient(timeout=30) as client:
        app = await with_approved_archive(client, stack, app, mine, eventually)
        filed = await client.post(stack.url("intake") + "/applications", json=submit_body(app, mine),
                                  headers=applicant_token(mine))
        assert filed.status_code == 201, filed.text
        case_url = f"{review}/cases/{app.application_id}"
        reviewer = token(Role.UNIT, org=app.unit.unit_id, area=app.unit.area, user="审核员王五")

        async def opened():
            return (await client.get(case_url, headers=reviewer)).status_code == 200
        await eventually(opened)
        returned = await client.post(case_url + "/return", headers=reviewer,
                                     json={"reason": "请补充2019年继续教育证明",
                                           "sections": [{"section": "ce_certificates", "reason": "缺2019年证明"}]})
        assert returned.status_code == 200, returned.text

        own = await client.get(case_url, headers=applicant_token(mine))
        assert own.status_code == 200, own.text
        seen = own.text
        assert "请补充2019年继续教育证明" in seen and "缺2019年证明" in seen  # the reason and what to fix
        assert "审核员王五" not in seen  # never the reviewer's name
        assert "审核员王五" in (await client.get(case_url + "/history", headers=reviewer)).text

        history = await client.get(case_url + "/history", headers=applicant_token(mine))
        assert (history.status_code, history.json()["code"]) == (403, "ROLE_NOT_ALLOWED")
        theirs = await client.get(case_url, headers=applicant_token(ID_NUMBER))
        nobodys = await client.get(f"{review}/cases/{uuid.uuid4()}", headers=applicant_token(ID_NUMBER))
        assert theirs.status_code == nobodys.status_code == 404 and theirs.json() == nobodys.json()
