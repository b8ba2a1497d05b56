"""The verified token -> the domain's Principal. Every refusal is logged by the HTTP layer."""
from __future__ import annotations

from fastapi import Request

from plumbing.auth import read_token
from services.review.domain.authorization import Principal


def principal_of(request: Request) -> Principal:
    claims = read_token(request.app.state.settings.jwt_secret, request.headers.get("Authorization"))
    return Principal(role=claims["role"], org=claims.get("org", ""), area=claims.get("area", ""),
                     user=claims.get("sub", ""), person_ref=claims.get("person_ref", ""))
