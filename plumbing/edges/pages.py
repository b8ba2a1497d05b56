"""Cursor pagination for every list a route answers, with RFC 8288 `Link` headers.

A cursor is the sort key of the last item a page showed, opaque to clients (base64url of its JSON):
the next page is what sorts after it, so items filed between two requests neither repeat nor go
missing the way offsets would make them. `limit` is bounded (a province-wide inbox is not one JSON
document). The following page's address is `Link: <...>; rel="next"` and `next_cursor` in bodies
that are objects."""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response

from contracts.errors import InvalidInput

DEFAULT_LIMIT, MAX_LIMIT = 100, 500
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items per page")]
Cursor = Annotated[str | None, Query(max_length=400, pattern=r"^[A-Za-z0-9_-]+={0,2}$",
                                     description="from a previous page's Link rel=next (opaque)")]
T = TypeVar("T")


def encode(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key), default=str, separators=(",", ":")).encode()).decode()


def decode(cursor: str | None, arity: int) -> list | None:
    """The sort key a cursor carries, or 422 BAD_CURSOR for one this service did not make."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not isinstance(key, list) or len(key) != arity or not all(isinstance(k, str | int) for k in key):
        raise bad_cursor()
    return key


def bad_cursor() -> InvalidInput:
    return InvalidInput("分页游标无效，请从第一页重新开始", "the cursor is not one this list gave; start again",
                        code="BAD_CURSOR")


def page(items: Sequence[T], limit: int, key: Callable[[T], Sequence[Any]]) -> tuple[list[T], str | None]:
    """`items` fetched with `limit + 1`: the page, and the cursor of the next one (None at the end)."""
    shown = list(items[:limit])
    return shown, (encode(key(shown[-1])) if len(items) > limit and shown else None)


def after(items: Sequence[T], cursor: str | None, limit: int, key: Callable[[T], int]) -> tuple[list[T], str | None]:
    """A page of a list already in memory and ordered by an integer key (a stream's events by version)."""
    start = decode(cursor, 1)
    rest = [i for i in items if start is None or key(i) > int(start[0])]
    return page(rest, limit, lambda i: (key(i),))


def link(request: Request, response: Response, next_cursor: str | None) -> None:
    if next_cursor is not None:
        url = request.url.include_query_params(cursor=next_cursor)
        response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
