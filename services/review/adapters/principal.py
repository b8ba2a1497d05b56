"""The verified caller (plumbing/edges/security.py, every route's dependency) -> the domain's Principal,
and `guarded(action)`, the one way a review route admits roles."""
from __future__ import annotations

from fastapi import Request

from contracts.envelope import Role
from plumbing.edges.security import caller
from services.review.domain.authorization import PERMISSIONS, Principal


def guarded(action: str) -> dict:
    """A route's keyword arguments: it admits exactly the roles the permission table
    (`domain/authorization.PERMISSIONS`) gives `action` (a person's roles: never `system`), and its
    OpenAPI operation names the action (`x-action`) beside its roles (`x-roles`). No review route
    lists roles of its own (tests/unit/review/test_route_permissions.py), and a test walks every
    route with every role against a running service (tests/e2e/test_every_route_with_every_role.py)."""
    return {"dependencies": [caller(*sorted(PERMISSIONS[action] - {Role.SYSTEM}))],
            "openapi_extra": {"x-action": action}}


def principal_of(request: Request) -> Principal:
    who = request.state.caller  # set by the route's security dependency; absent means a route without one
    return Principal(role=who.role, org=who.org, area=who.area, user=who.uid, person_ref=who.person_ref)


def principal_of_caller(request: Request) -> str:
    """The caller's identity key (Idempotency-Key scope)."""
    return request.state.caller.key
