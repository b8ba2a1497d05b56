"""Auditors read any stream of a service with its hash chain verified (read-only, every service)."""
from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Path
from pydantic import BaseModel

from contracts.envelope import Role
from contracts.errors import NotFound
from plumbing.edges.answers import EVENT_EXAMPLE, Event, examples
from plumbing.edges.openapi import contract
from plumbing.edges.security import Caller, caller


class AuditedEvent(Event):
    model_config = examples({**EVENT_EXAMPLE, "prev_hash": "00" * 32, "hash": "5a" * 32})

    prev_hash: str
    hash: str


class AuditedStream(BaseModel):
    """The stream's events with their hash chain, and whether the chain holds."""

    model_config = examples({"stream_id": EVENT_EXAMPLE["stream_id"], "intact": True, "first_bad_version": None,
                             "events": [{**EVENT_EXAMPLE, "prev_hash": "00" * 32, "hash": "5a" * 32}]})

    stream_id: str
    intact: bool
    first_bad_version: int | None
    events: list[AuditedEvent]


def install_audit(app: FastAPI, runtime) -> None:
    @app.get("/audit/streams/{stream_id}", tags=["audit"], summary="A stream's events, hashes and chain check",
             **contract("auditStream", AuditedStream, fails=(404,)))
    async def audit_stream(stream_id: Annotated[str, Path(max_length=200)],
                           _auditor: Annotated[Caller, caller(Role.AUDITOR)]) -> dict:
        stored = await runtime.store.load_stored(stream_id)
        if not stored:
            raise NotFound("没有该事件流", "no such stream")
        intact, first_bad = await runtime.store.verify_stream(stream_id)
        return {"stream_id": stream_id, "intact": intact, "first_bad_version": first_bad,
                "events": [{**s.envelope.model_dump(mode="json"), "prev_hash": s.prev_hash, "hash": s.hash}
                           for s in stored]}
