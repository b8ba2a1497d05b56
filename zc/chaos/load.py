"""A small load for chaos: applicants file, a unit passes every other case. Behind a narrow interface
(`prepare`, `submit_filings`, `act`, `expected`) so that the benchmark's load generator can replace it.

Like a careful client, it retries a request whose answer it did not get (connection refused while a
service restarts, a 5xx while PostgreSQL restarts) with the same Idempotency-Key, and counts an
application as filed only once intake answered 2xx. Everything filed must then reach its expected
state; that is what the ledger checks.
"""
from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from contracts.envelope import Role
from plumbing.auth import mint_token
from plumbing.settings import ServiceSettings
from services.intake.domain.identity import person_ref
from zc import samples
from zc.demo.cast import id_number
from zc.sample_photo import photo_bytes

APPLICANT_ID = id_number("19650312", "777")  # matches the sample's birth date
PHONE = "13800138077"
APPLICANT_NAME = "混沌测试"  # names travel only on the personal-data topic (issue 11)
RETRYABLE = {500, 502, 503, 504}


@dataclass(frozen=True)
class Expected:
    """Where one filed application must end: its case opened, and passed by the unit when it acted."""

    application_id: str
    unit_passed: bool


class Load(Protocol):
    async def prepare(self) -> None: ...
    async def submit_filings(self, n: int) -> list[str]: ...
    async def act(self) -> list[str]: ...
    def expected(self) -> dict[str, Expected]: ...


class FilingLoad:
    def __init__(self, url: Callable[[str], str], *, patience: float = 120) -> None:
        self.url, self.patience = url, patience
        settings = ServiceSettings()
        ref = person_ref(APPLICANT_ID, settings.person_ref_secret)
        self.applicant = self._auth(settings, role=Role.APPLICANT, user="chaos", person_ref=ref)
        self.app = samples.change_in(samples.normal_applicant(), "applicant", phone=PHONE)
        self.unit = self._auth(settings, role=Role.UNIT, org=self.app.unit.unit_id, area=self.app.unit.area, user="chaos")
        self.photo = base64.b64encode(photo_bytes()).decode()
        self.filed: list[str] = []
        self.passed: set[str] = set()
        self.client = httpx.AsyncClient(timeout=15)

    @staticmethod
    def _auth(settings: ServiceSettings, **claims) -> dict:
        return {"Authorization": f"Bearer {mint_token(settings.jwt_secret, **claims)}"}

    async def close(self) -> None:
        await self.client.aclose()

    async def _request(self, method: str, url: str, **kwargs) -> httpx.Response | None:
        """Send until an answer that is not a transient failure arrives; None after `patience`."""
        deadline = time.monotonic() + self.patience
        while time.monotonic() < deadline:
            try:
                response = await self.client.request(method, url, **kwargs)
                if response.status_code not in RETRYABLE:
                    return response
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
        return None

    async def _authorise_unit(self) -> None:
        """The city HR bureau approves the unit's authorization (409: it already did), and intake
        learns it: only an authorised unit's staff may file."""
        settings = ServiceSettings()
        city = self._auth(settings, role=Role.CITY_HR_BUREAU, org="sx-city-hr", area="city", user="chaos")
        answer = await self._request("POST", f"{self.url('review')}/units/{self.app.unit.unit_id}/authorization",
                                     headers=city, json={"unit_name": self.app.unit.name, "operator_name": "人事经办人",
                                                         "operator_phone": "13905759999"})
        assert answer is not None and answer.status_code in (201, 409), answer and answer.text
        deadline = time.monotonic() + self.patience
        while time.monotonic() < deadline:
            known = await self._request("GET", f"{self.url('intake')}/units/{self.app.unit.unit_id}",
                                        headers=self.applicant)
            if known is not None and known.status_code == 200 and known.json()["authorised"]:
                return
            await asyncio.sleep(0.3)
        raise TimeoutError("intake never learnt that the unit is authorised")

    async def prepare(self) -> None:
        """The unit is authorised; the cited achievements enter the applicant's archive and the unit
        approves them."""
        await self._authorise_unit()
        cited = []
        for achievement in self.app.achievements:
            entry = f"ach-{uuid.uuid4().hex[:12]}"
            added = await self._request("POST", f"{self.url('review')}/archive", headers=self.applicant, json={
                "entry_id": entry, "unit_id": self.app.unit.unit_id, "title": achievement.title,
                "achieved_on": achievement.achieved_on.isoformat()})
            assert added is not None and added.status_code == 201, added and added.text
            approved = await self._request("POST", f"{self.url('review')}/archive/{entry}/review", headers=self.unit,
                                           json={"approve": True, "text": "经核实属实"})
            assert approved is not None and approved.status_code == 200, approved and approved.text
            cited.append(achievement.model_copy(update={"entry_id": entry}))
        self.app = self.app.model_copy(update={"achievements": cited})
        wanted = {c.entry_id for c in cited}
        deadline = time.monotonic() + self.patience
        while time.monotonic() < deadline:
            mine = await self._request("GET", f"{self.url('intake')}/archive", headers=self.applicant)
            if mine is not None and mine.status_code == 200 and wanted <= {
                    e["entry_id"] for e in mine.json()["entries"] if e["status"] == "approved"}:
                return
            await asyncio.sleep(0.3)
        raise TimeoutError("intake never learnt the approved archive entries")

    def _body(self, application_id: str) -> dict:
        body = self.app.model_dump(mode="json", exclude={"applicant", "photo", "submitted_at", "revision"})
        body["application_id"] = application_id
        body["applicant"] = {"name": APPLICANT_NAME, "id_number": APPLICANT_ID, "phone": PHONE}
        body["photo_base64"] = self.photo
        return body

    async def submit_filings(self, n: int) -> list[str]:
        accepted = []
        for _ in range(n):
            application_id = str(uuid.uuid4())
            response = await self._request("POST", f"{self.url('intake')}/applications", json=self._body(application_id),
                                           headers={**self.applicant, "Idempotency-Key": f"chaos-{application_id}"})
            if response is not None and response.status_code in (200, 201):
                accepted.append(application_id)
                self.filed.append(application_id)
        return accepted

    async def act(self) -> list[str]:
        """The unit passes every other filed case that has reached it (once; retries carry the same key)."""
        acted = []
        for application_id in self.filed[::2]:
            if application_id in self.passed:
                continue
            case = await self._get_case(application_id)
            if case is None or case.get("stage") != "at_unit":
                continue
            response = await self._request(
                "POST", f"{self.url('review')}/cases/{application_id}/unit-pass", json={"opinion": "同意推荐"},
                headers={**self.unit, "Idempotency-Key": f"chaos-pass-{application_id}"})
            if response is not None and response.status_code == 200:
                self.passed.add(application_id)
                acted.append(application_id)
        return acted

    async def _get_case(self, application_id: str) -> dict | None:
        try:
            response = await self.client.get(f"{self.url('review')}/cases/{application_id}", headers=self.unit)
        except httpx.TransportError:
            return None
        return response.json().get("case") if response.status_code == 200 else None

    def expected(self) -> dict[str, Expected]:
        return {a: Expected(a, a in self.passed) for a in self.filed}
