"""Talking to the running services the way people do: tokens, JSON bodies, polling."""
from __future__ import annotations

import base64
import uuid

import httpx

from contracts.application import Application
from contracts.envelope import Role
from plumbing.auth import mint_token
from services.intake.domain.validation import person_ref
from tests.fixtures.photos import photo_bytes

SECRET = "dev-only-jwt-secret-change-me-in-production"
PERSON_SECRET = "dev-only-person-ref-key"
PHOTO = base64.b64encode(photo_bytes()).decode()


def applicant_token(id_number: str) -> dict:
    token = mint_token(SECRET, role=Role.APPLICANT, user=id_number[-4:], person_ref=person_ref(id_number, PERSON_SECRET))
    return {"Authorization": f"Bearer {token}"}


def token(role: Role, org: str = "", area: str = "", user: str = "reviewer") -> dict:
    return {"Authorization": f"Bearer {mint_token(SECRET, role=role, org=org, area=area, user=user)}"}


def submit_body(app: Application, id_number: str, *, name: str | None = None, phone: str | None = None) -> dict:
    """The intake request for `app`: the applicant's real ID number and photo instead of derived fields."""
    body = app.model_dump(mode="json", exclude={"applicant", "photo", "submitted_at", "revision"})
    body["application_id"] = str(app.application_id)
    body["applicant"] = {"name": name or app.applicant.name, "id_number": id_number,
                         "phone": phone or app.applicant.phone}
    body["photo_base64"] = PHOTO
    return body


def with_new_id(app: Application) -> Application:
    return app.model_copy(update={"application_id": uuid.uuid4()})


async def get_json(client: httpx.AsyncClient, url: str, headers: dict | None = None):
    response = await client.get(url, headers=headers)
    return response.json() if response.status_code == 200 else None
