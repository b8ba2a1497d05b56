"""The demo's view of the four services: HTTP with role tokens, and patience for Kafka."""
from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import httpx

from contracts.envelope import Role
from plumbing import clock
from plumbing.edges.dev_issuer import dev_token
from plumbing.provision import stack_dir
from plumbing.settings import ServiceSettings, service_url
from services.intake.domain.identity import person_ref
from zc.sample_photo import photo_bytes
from plumbing.settings import ClockSettings

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ServiceSettings(service="intake")  # the person_ref key: the issuer puts person_ref in tokens


def url(service: str) -> str:
    return service_url(service)  # ZC_<SERVICE>_PORT, as the stack that `make up` started


def auth(role: Role, org: str = "", area: str = "", user: str = "demo", id_number: str = "") -> dict:
    """`user` is the person's display name: the issuer puts it in the `name` claim only."""
    ref = person_ref(id_number, SETTINGS.person_ref_secret) if id_number else ""
    token = dev_token(role, org=org, area=area, name=user, person_ref=ref)
    return {"Authorization": f"Bearer {token}"}


PHOTO = base64.b64encode(photo_bytes()).decode()
# Where infra/stack.sh services-up put the season clock: the stack folder, which the services' users read.
CLOCK_FILE = Path(ClockSettings.current().clock_file or stack_dir() / "season-clock")


def travel(season_time: str) -> bool:
    """Move the whole stack's season clock; False when the stack runs on the real clock."""
    if not CLOCK_FILE.exists():
        return False
    clock.set_season_time(CLOCK_FILE, season_time)
    return True


async def until(probe, *, timeout: float = 60, what: str = "") -> object:
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if result := await probe():
            return result
        await asyncio.sleep(0.3)
    raise TimeoutError(f"waited {timeout}s for {what}")


async def get(client: httpx.AsyncClient, service: str, path: str, headers: dict | None = None):
    response = await client.get(url(service) + path, headers=headers or auth(Role.AUDITOR, user="demo-auditor"))
    return response.json() if response.status_code == 200 else None


async def post(client: httpx.AsyncClient, service: str, path: str, body: dict, headers: dict) -> dict:
    response = await client.post(url(service) + path, json=body, headers=headers)
    if response.status_code >= 400:
        raise RuntimeError(f"{service} {path}: {response.status_code} {response.text}")
    return response.json()
