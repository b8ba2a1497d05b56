"""The people of one filing season and the calls they make on the running services."""
from __future__ import annotations

import csv
import io
import uuid

import httpx
from openpyxl import load_workbook

from contracts.application import Application
from contracts.envelope import Role
from tests.e2e.api import (applicant_token, filed_by, filer, get_json, submit_body, token, with_approved_archive,
                           with_new_id)
from tests.fixtures.builders import change, change_in

CITY_UNIT, KQ_UNIT = "u-sx-jzsj", "u-kq-jsgs"
PEOPLE = {
    "city_unit": token(Role.UNIT, org=CITY_UNIT, area="city"),
    "kq_unit": token(Role.UNIT, org=KQ_UNIT, area="keqiao"),
    "city_construction": token(Role.CONSTRUCTION_AUTHORITY, org="sx-city-construction", area="city"),
    "kq_construction": token(Role.CONSTRUCTION_AUTHORITY, org="kq-construction", area="keqiao"),
    "kq_hr": token(Role.HR_BUREAU, org="kq-hr", area="keqiao"),
    "city_hr": token(Role.CITY_HR_BUREAU, org="sx-city-hr", area="city"),
    "auditor": token(Role.AUDITOR, org="audit"),
}


def at_keqiao(app: Application) -> Application:
    return change_in(app, "unit", unit_id=KQ_UNIT, name="绍兴柯桥建工集团有限公司", area="keqiao")


def named(app: Application, name: str, **fields) -> Application:
    """A new application filed by `name` (a person of their own, with an ID number of their own)."""
    return filed_by(with_new_id(change(app, **fields) if fields else app), name)


# The archive entries each filed application cited: a resubmission cites the same ones. Module-level,
# because every test of a season module gets a fresh Season.
CITED: dict[uuid.UUID, list] = {}


class OnStack:
    """A test's client of one stack: its addresses, and the SMS notify sent."""

    def __init__(self, client: httpx.AsyncClient, stack, eventually) -> None:
        self.client, self.stack, self.eventually = client, stack, eventually

    def url(self, service: str, path: str) -> str:
        return self.stack.url(service) + path

    async def sms(self, app_id, template: str) -> dict:
        async def probe():
            status = await get_json(self.client, self.url("notify", f"/notifications/{app_id}"))
            return next((d for d in (status or {}).get("deliveries", [])
                         if d["template"] == template and d["status"] == "sent"), None)
        return await self.eventually(probe)


class Season(OnStack):
    async def file(self, app: Application) -> uuid.UUID:
        name, id_number = filer(app)
        app = await with_approved_archive(self.client, self.stack, app, id_number, self.eventually)
        CITED[app.application_id] = app.achievements  # a resubmission cites the same archive entries
        headers = {**applicant_token(id_number), "Idempotency-Key": f"f-{app.application_id}"}
        answer = await self.client.post(self.url("intake", "/applications"), json=submit_body(app, id_number),
                                        headers=headers)
        assert answer.status_code == 201, answer.text
        return app.application_id

    async def resubmit(self, app: Application) -> None:
        app = app.model_copy(update={"achievements": CITED[app.application_id]})
        answer = await self.client.post(self.url("intake", f"/applications/{app.application_id}/resubmissions"),
                                        json=submit_body(app, filer(app)[1]), headers=applicant_token(filer(app)[1]))
        assert answer.status_code == 201, answer.text

    async def case(self, app_id, who: str = "auditor") -> dict:
        # the case with its stored history: the auditor's view (`read_history`)
        answer = await self.client.get(self.url("review", f"/cases/{app_id}/history"), headers=PEOPLE[who])
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def reaches(self, app_id, stage: str, revision: int = 1) -> dict:
        async def probe():
            found = await get_json(self.client, self.url("review", f"/cases/{app_id}/history"), PEOPLE["auditor"])
            ok = found and found["case"]["stage"] == stage and found["case"]["revision"] == revision
            return found if ok else None
        return await self.eventually(probe)

    async def act(self, app_id, decision: str, who: str | dict, **body) -> httpx.Response:
        headers = PEOPLE[who] if isinstance(who, str) else who
        return await self.client.post(self.url("review", f"/cases/{app_id}/{decision}"), json=body, headers=headers)

    async def does(self, app_id, decision: str, who: str | dict, **body) -> dict:
        answer = await self.act(app_id, decision, who, **body)
        assert answer.status_code == 200, (decision, answer.text)
        return answer.json()["case"]

    async def refused(self, app_id, decision: str, who: str | dict, status: int, code: str, **body) -> dict:
        answer = await self.act(app_id, decision, who, **body)
        error = answer.json()
        assert (answer.status_code, error.get("code")) == (status, code), (decision, answer.text)
        assert error["message_zh"] and error["message_en"]
        return error

    async def read(self, path: str, who: str | dict) -> httpx.Response:
        answer = await self.client.get(self.url("review", path), headers=PEOPLE[who] if isinstance(who, str) else who)
        assert answer.status_code == 200, (path, answer.text)
        return answer

    async def listed(self, path: str, who: str | dict, key: str, expected: set[str]) -> dict:
        """Poll a read model until every expected application id is listed under `key`."""
        async def probe():
            body = (await self.read(path, who)).json()
            return body if expected <= {c["application_id"] for c in body[key]} else None
        return await self.eventually(probe)

    async def csv_rows(self, path: str, who: str) -> list[list[str]]:
        answer = await self.read(path, who)
        assert answer.headers["content-type"].startswith("text/csv")
        return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))

    async def xlsx_rows(self, path: str, who: str) -> list[list[object]]:
        answer = await self.read(path, who)
        sheet = load_workbook(io.BytesIO(answer.content)).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]
