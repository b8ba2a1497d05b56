"""The verified caller (plumbing/edges/security.py, every route's dependency) -> the domain's Principal."""
from __future__ import annotations

from fastapi import Request

from services.review.domain.authorization import Principal


def principal_of(request: Request) -> Principal:
    who = request.state.caller  # set by the route's security dependency; absent means a route without one
    return Principal(role=who.role, org=who.org, area=who.area, user=who.uid, person_ref=who.person_ref)


def principal_of_caller(request: Request) -> str:
    """The caller's identity key (Idempotency-Key scope)."""
    return request.state.caller.key
