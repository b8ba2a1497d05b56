"""JSON views of domain objects for the HTTP layer."""
from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from enum import Enum

from services.review.domain.case import Case


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(_plain(k)): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if is_dataclass(value):
        return _plain(asdict(value))
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


def case_json(case: Case) -> dict:
    data = {k: _plain(getattr(case, k)) for k in case.__dataclass_fields__ if k != "history"}
    data["level"] = _plain(case.level)
    return data
