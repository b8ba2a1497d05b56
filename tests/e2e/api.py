"""Talking to the running services the way people do: tokens, JSON bodies, polling."""
from __future__ import annotations

import base64
import uuid

import httpx

from stdnum.cn import ric

from contracts.application import Application
from contracts.envelope import Role
from plumbing.edges.dev_issuer import bearer
from services.intake.domain.validation import person_ref
from tests.fixtures.builders import ID_NUMBER
from tests.fixtures.photos import photo_bytes

PERSON_SECRET = "dev-only-person-ref-key"
PHOTO = base64.b64encode(photo_bytes()).decode()


def applicant_token(id_number: str, name: str = "") -> dict:
    """An applicant's token; `name` (the `name` claim, as a login platform would give it) is theirs."""
    return bearer(Role.APPLICANT, name=name or id_number[-4:], person_ref=person_ref(id_number, PERSON_SECRET))


def token(role: Role, org: str = "", area: str = "", user: str = "reviewer") -> dict:
    """A staff token; `user` is the display name (the `name` claim), the account id is the issuer's."""
    return bearer(role, org=org, area=area, name=user)


# Applications carry no personal data (person_ref only): the tests keep who filed each one here.
DEFAULT_NAME, DEFAULT_PHONE = "王建国", "13800138000"
FILERS: dict[uuid.UUID, tuple[str, str]] = {}  # application id -> (name, ID number)


_ID_NUMBERS: dict[str, str] = {DEFAULT_NAME: ID_NUMBER}


def id_number_of(name: str) -> str:
    """A valid ID number per name (王建国 keeps the builders' ID_NUMBER): one person per name, each
    new name the next sequence number, so two names never share a person."""
    if name not in _ID_NUMBERS:
        first17 = f"33060219650312{500 + len(_ID_NUMBERS):03d}"
        _ID_NUMBERS[name] = first17 + ric.calc_check_digit(first17 + "0")
    return _ID_NUMBERS[name]


def filed_by(app: Application, name: str) -> Application:
    FILERS[app.application_id] = (name, id_number_of(name))
    return app


def filer(app: Application) -> tuple[str, str]:
    return FILERS.get(app.application_id, (DEFAULT_NAME, ID_NUMBER))


def submit_body(app: Application, id_number: str, *, name: str | None = None, phone: str | None = None) -> dict:
    """The intake request for `app`: the applicant's name, real ID number, phone and photo."""
    body = app.model_dump(mode="json", exclude={"applicant", "photo", "submitted_at", "revision"})
    body["application_id"] = str(app.application_id)
    body["applicant"] = {"name": name or filer(app)[0], "id_number": id_number, "phone": phone or DEFAULT_PHONE}
    body["photo_base64"] = PHOTO
    return body


def with_new_id(app: Application) -> Application:
    return app.model_copy(update={"application_id": uuid.uuid4()})


async def get_json(client: httpx.AsyncClient, url: str, headers: dict | None = None):
    """GET as `headers` say, or as an auditor (who may read every service's records)."""
    response = await client.get(url, headers=headers or token(Role.AUDITOR, user="e2e-auditor"))
    return response.json() if response.status_code == 200 else None


async def with_authorised_unit(client: httpx.AsyncClient, stack, app: Application, eventually) -> None:
    """The city HR bureau approves the unit's authorization (once; 409 when it already did), and
    intake learns it: only then may the unit's staff file."""
    city = token(Role.CITY_HR_BUREAU, org="sx-city-hr", area="city")
    answer = await client.post(f"{stack.url('review')}/units/{app.unit.unit_id}/authorization", headers=city,
                               json={"unit_name": app.unit.name, "operator_name": "人事经办人",
                                     "operator_phone": "13905759999"})
    assert answer.status_code in (201, 409), answer.text

    async def known():
        status = await get_json(client, f"{stack.url('intake')}/units/{app.unit.unit_id}")
        return status and status["authorised"]
    await eventually(known)


async def with_approved_archive(client: httpx.AsyncClient, stack, app: Application, id_number: str,
                                eventually) -> Application:
    """Register the application's cited achievements in the applicant's archive (review), have the
    unit approve them, wait until intake knows, and return the application citing those entries."""
    applicant = applicant_token(id_number)
    unit = token(Role.UNIT, org=app.unit.unit_id, area=app.unit.area)
    await with_authorised_unit(client, stack, app, eventually)
    cited = []
    for achievement in app.achievements:
        entry_id = f"ach-{uuid.uuid4().hex[:12]}"
        added = await client.post(f"{stack.url('review')}/archive", headers=applicant, json={
            "entry_id": entry_id, "unit_id": app.unit.unit_id, "title": achievement.title,
            "achieved_on": achievement.achieved_on.isoformat()})
        assert added.status_code == 201, added.text
        approved = await client.post(f"{stack.url('review')}/archive/{entry_id}/review", headers=unit,
                                     json={"approve": True, "text": "经核实属实"})
        assert approved.status_code == 200, approved.text
        cited.append(achievement.model_copy(update={"entry_id": entry_id}))
    wanted = {c.entry_id for c in cited}

    async def known_to_intake():
        mine = await get_json(client, f"{stack.url('intake')}/archive", applicant)
        return mine and wanted <= {e["entry_id"] for e in mine["entries"] if e["status"] == "approved"}

    await eventually(known_to_intake)
    return app.model_copy(update={"achievements": cited})
