"""What an HTTP body may contain: the annotated types and the strict request-model builder every
service's request models use (ARCHITECTURE.md "Trust boundaries").

- Text: no control characters (NUL, escapes, …; tab and newline only in free text).
- Codes (ID numbers, credit codes, unit/area/entry ids, phone numbers): NFKC-normalised before
  they are checked, so full-width input (what Chinese input methods type) is the same code.
- Numbers and dates: within what the plan and a person can have (years 1950–2100, dates
  1900–2100, hours and counts bounded).
- Models: unknown fields refused (extra="forbid"), all the way down.
Refusals are pydantic errors, which plumbing/edges/http.py answers with the bilingual 422 body naming
the field.
"""
from __future__ import annotations

import re
import types
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_PHONE = re.compile(r"\+?[0-9][0-9 \-]{4,19}")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


def _no_control_but_lines(value: str) -> str:
    if _CONTROL_BUT_LINES.search(value):
        raise ValueError("control characters are not allowed")
    return value


def _nfkc(value: Any) -> Any:
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def _phone(value: str) -> str:
    if not _PHONE.fullmatch(value):
        raise ValueError("a phone number has digits, spaces, '-' and a leading '+' only")
    return value


def _plausible_date(value: date) -> date:
    if not date(1900, 1, 1) <= value <= date(2100, 12, 31):
        raise ValueError("the date must lie between 1900 and 2100")
    return value


def _plausible_datetime(value: datetime) -> datetime:
    _plausible_date(value.date())
    return value


Text = Annotated[str, AfterValidator(_no_control), Field(max_length=500)]
LongText = Annotated[str, AfterValidator(_no_control_but_lines), Field(max_length=20000)]
Code = Annotated[str, BeforeValidator(_nfkc), AfterValidator(_no_control), Field(max_length=100)]
Phone = Annotated[str, BeforeValidator(_nfkc), AfterValidator(_phone)]
Year = Annotated[int, Field(ge=1950, le=2100)]
Count = Annotated[int, Field(ge=0, le=100_000)]
Hours = Annotated[int, Field(ge=0, le=5_000)]
Day = Annotated[date, AfterValidator(_plausible_date)]
Moment = Annotated[datetime, AfterValidator(_plausible_datetime)]

STRICT = ConfigDict(extra="forbid")
_CODE_NAMES = ("_id", "code", "id_number", "area", "province")
_LONG_NAMES = ("statement", "text", "opinion", "reason")


def _scalar(name: str, annotation: Any) -> Any:
    if annotation is str:
        if name == "phone":
            return Phone
        if name.endswith(_CODE_NAMES):
            return Code
        return LongText if name.endswith(_LONG_NAMES) else Text
    if annotation is int:
        return Year if name == "year" else Hours if name.endswith("hours") else Count
    if annotation is date:
        return Day
    if annotation is datetime:
        return Moment
    return annotation


def _strict_type(name: str, annotation: Any, cache: dict) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return strict_model(annotation, cache=cache)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list:
        return Annotated[list[_strict_type(name, args[0], cache)], Field(max_length=200)]
    if origin in (Union, types.UnionType):
        return Union[tuple(_strict_type(name, a, cache) for a in args)]  # noqa: UP007 - built at run time
    return _scalar(name, annotation)


def strict_model(model: type[BaseModel], *, exclude: set[str] = frozenset(), name: str | None = None,
                 cache: dict | None = None) -> type[BaseModel]:
    """A request-side copy of a contract model (and of every model inside it) with the rules above:
    unknown fields refused, text, codes, numbers and dates typed. Contracts themselves stay lenient
    (consumers ignore fields they do not know); the door is strict."""
    cache = {} if cache is None else cache
    if model in cache and not exclude:
        return cache[model]
    fields = {}
    for field_name, info in model.model_fields.items():
        if field_name in exclude:
            continue
        default = info.default if info.default_factory is None else None
        typed = _strict_type(field_name, info.annotation, cache)
        fields[field_name] = (typed, ... if info.is_required() else default)
    built = create_model(name or f"{model.__name__}In", __config__=STRICT, **fields)
    if not exclude:
        cache[model] = built
    return built
