"""The staff directory (account id -> display name, organisation), fed from verified tokens.

Events record an actor by role, organisation and account id only (they are kept for ever); the
display name a staff member's token carries (`name`) is kept here, once per change, and shown
wherever review names an actor (the case timeline). Erasing a row blanks the name for good: a later
token of the same account does not bring it back, and readers show the account id instead.
Applicants are not staff: their names are intake's sealed personal data, never stored here.
"""
from __future__ import annotations

import uuid
from typing import Annotated

import asyncpg
from fastapi import APIRouter, Path, Query, Request

from contracts.envelope import Role
from contracts.errors import NotFound
from plumbing.edges.json_body import StrictJsonRoute
from plumbing.edges.openapi import contract
from plumbing.edges.security import Caller
from plumbing.edges.security import caller
from services.review.adapters.answers import StaffErased, StaffNames
from services.review.adapters.principal import guarded
from services.review.domain.streams import case_stream

router = APIRouter(tags=["staff"], route_class=StrictJsonRoute)
ERASED = "（姓名已删除）(name erased)"
_KNOWN_MAX = 100_000  # remembered (uid, name, org) triples per process; past it the cache starts over


class StaffDirectory:
    def __init__(self) -> None:
        self._written: set[tuple[str, str, str, str]] = set()

    async def remember(self, pool: asyncpg.Pool, who: Caller) -> None:
        """Upsert a staff caller's name (only when it changed since this process last wrote it)."""
        if who.role is Role.APPLICANT or not who.uid:
            return
        row = (who.uid, who.role.value, who.org, who.name)
        if row in self._written:
            return
        await pool.execute(
            "INSERT INTO staff_directory (uid, role, organisation, name) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (uid) DO UPDATE SET role = EXCLUDED.role, organisation = EXCLUDED.organisation,"
            " name = EXCLUDED.name WHERE staff_directory.erased_at IS NULL", *row)
        if len(self._written) >= _KNOWN_MAX:
            self._written.clear()
        self._written.add(row)

    def forget(self, uid: str) -> None:
        self._written = {row for row in self._written if row[0] != uid}


async def names(conn, uids: set[str]) -> dict[str, str]:
    """Display names of the given account ids; an erased or unknown account shows as its id."""
    rows = await conn.fetch("SELECT uid, name, erased_at FROM staff_directory WHERE uid = ANY($1::text[])",
                            sorted(uids))
    found = {r["uid"]: (r["name"] if r["erased_at"] is None and r["name"] else r["uid"]) for r in rows}
    return {uid: found.get(uid, uid) for uid in uids}


@router.post("/staff/{uid}/erasure", summary="Erase a staff member's name from the directory (city HR bureau)",
             **guarded("erase_staff"), **contract("eraseStaffName", StaffErased, fails=(404,)))
async def erase_staff(request: Request, uid: Annotated[str, Path(min_length=1, max_length=200)]) -> dict:
    who: Caller = request.state.caller
    pool = request.app.state.runtime.pool
    status = await pool.execute(
        "UPDATE staff_directory SET name = '', erased_at = coalesce(erased_at, now()), erased_by = $2"
        " WHERE uid = $1", uid, who.uid)
    if status.endswith(" 0"):
        raise NotFound("目录中没有该账号", "no such account in the staff directory")
    request.app.state.staff.forget(uid)
    return {"uid": uid, "erased": True, "erased_by": who.uid}


async def names_on_timeline(request: Request, application_id) -> dict:
    """The names of the staff who acted on a case, for the auditor's timeline (`zc audit timeline`),
    for a caller whose role the permission table lets read a case's history (`read_history`). Only
    staff roles are named (applicants and services never are); resolving them is a read of personal
    data, recorded before the answer."""
    from plumbing.core.reads import record_read
    from services.review.domain.authorization import PERMISSIONS

    if request.state.caller.role not in PERMISSIONS["read_history"]:  # the permission table says who sees names
        return {"staff_names": {}}
    runtime = request.app.state.runtime
    history = await runtime.store.load_stream(case_stream(application_id))
    uids = {e.actor.user for e in history if e.actor.role not in (Role.SYSTEM, Role.APPLICANT) and e.actor.user}
    if not uids:
        return {"staff_names": {}}
    async with runtime.pool.acquire() as conn:
        named = await names(conn, uids)
    await record_read(request, "staff names", str(application_id))
    return {"staff_names": named}


_UID = r"^[A-Za-z0-9._:@-]{1,200}$"


@router.get("/audit/staff-names", summary="Names of staff who acted in other services' parts of an application's "
            "history (for `zc audit timeline`)", **contract("auditStaffNames", StaffNames))
async def staff_names_for_timeline(
        request: Request, application_id: uuid.UUID,
        _auditor: Annotated[Caller, caller(Role.AUDITOR)],
        uid: Annotated[list[str], Query(min_length=1, max_length=100)]) -> dict:
    """The directory's names of account ids an auditor found acting in intake's, eligibility's or
    notify's part of the application's history (no service asks another: the auditor's tool asks
    review, whose directory it is). Only for a caller whose role the permission table lets read a
    case's history, and only staff are in the directory (applicants and services never are); the
    resolution is a read of personal data, recorded before the answer (503 if it cannot be)."""
    import re

    from contracts.errors import InvalidInput
    from plumbing.core.reads import record_read
    from services.review.domain.authorization import PERMISSIONS

    if any(not re.match(_UID, u) for u in uid):
        raise InvalidInput("账号格式不正确", "an account id is malformed", code="BAD_ACCOUNT_ID")
    if request.state.caller.role not in PERMISSIONS["read_history"]:
        return {"application_id": str(application_id), "staff_names": {}}
    async with request.app.state.runtime.pool.acquire() as conn:
        rows = await conn.fetch("SELECT uid FROM staff_directory WHERE uid = ANY($1::text[])", sorted(set(uid)))
        named = await names(conn, {r["uid"] for r in rows})
    if named:
        await record_read(request, "staff names", str(application_id))
    return {"application_id": str(application_id), "staff_names": named}
