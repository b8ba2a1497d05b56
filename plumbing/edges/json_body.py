"""The request decoder: JSON with each key at most once per object.

`{"approve": true, "approve": false}` is valid JSON whose meaning depends on the parser (Python
keeps the last, others the first), so a proxy, a log and this service could each read a different
request. Every route of every service uses `StrictJsonRoute` (`route_class` of its router; the
app's own router is set in `plumbing/runtime.py:build_app`): a duplicate key is a 422 naming it,
through FastAPI's own `json_invalid` path, so the body is the project's bilingual one.
"""
from __future__ import annotations

import json
from typing import Any

from fastapi import Request
from fastapi.routing import APIRoute


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise json.JSONDecodeError(f"duplicate key {key[:50]!r}", "", 0)
        seen[key] = value
    return seen


def loads_strict(data: bytes | str) -> Any:
    return json.loads(data, object_pairs_hook=_refuse_duplicates)


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = loads_strict(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    def get_route_handler(self):
        handler = super().get_route_handler()

        async def strict_json_handler(request: Request):
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_json_handler
