"""What an HTTP body may contain: the annotated types and the strict request-model builder every
service's request models use (ARCHITECTURE.md "Trust boundaries").

- Text: no control characters (NUL, escapes, …; tab and newline only in free text).
- Names, titles and codes: after NFKC, no invisible or bidirectional characters either (zero-width
  spaces and joiners, direction marks and overrides, the BOM: Unicode's "format" category, plus
  unassigned and private-use code points), which would make two equal-looking names different or
  reorder what a reviewer reads. The middle dot of 少数民族 names (·) and CJK extension characters
  (𠮷) are letters and punctuation, so they stay.
- Codes (ID numbers, credit codes, unit/area/entry ids, phone numbers): NFKC-normalised before
  they are checked, so full-width input (what Chinese input methods type) is the same code. An ID
  number is ASCII after that (digits and X): anything else (三, é, Arabic-Indic digits) is refused.
- Numbers and booleans: strict per field (`"32"` is not an integer, `1` not a boolean). Not
  model-wide: FastAPI validates the parsed JSON, where a date is a string, so a model-wide strict
  mode would refuse every ISO date.
- Free-form values (a batch item's fields): at most FREE_FORM_MAX_DEPTH deep and
  FREE_FORM_MAX_BYTES as JSON.
- Numbers and dates: within what the plan and a person can have (years 1950–2100, dates
  1900–2100, hours and counts bounded).
- Models: unknown fields refused (extra="forbid"), all the way down.
Refusals are pydantic errors, which plumbing/edges/http.py answers with the bilingual 422 body naming
the field.
"""
from __future__ import annotations

import json
import re
import types
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, create_model

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")
_PHONE = re.compile(r"\+?[0-9][0-9 \-]{4,19}")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


# Unicode categories never in a name, title or code: format (Cf: U+200B..U+200F, U+202A..U+202E,
# U+2066..U+2069, U+FEFF, soft hyphen), surrogates, private use, unassigned, line/paragraph separators.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _visible(value: str) -> str:
    """Checked on the NFKC form (a compatibility character is judged as what it stands for); the
    value itself is kept as typed (a title's full-width punctuation is the applicant's)."""
    if any(unicodedata.category(ch) in _INVISIBLE_CATEGORIES
           for ch in unicodedata.normalize("NFKC", value)):
        raise ValueError("control, invisible and bidirectional characters are not allowed")
    return value


def _ascii_code(value: str) -> str:
    if not value.isascii():
        raise ValueError("only ASCII letters and digits are allowed here")
    return value


def json_depth(value: Any, limit: int) -> int:
    """The nesting depth of a parsed JSON value, counted without recursion (a hostile value may be
    nested deeper than Python's recursion limit); stops counting past `limit`."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _bounded_free_form(value: Any) -> Any:
    if json_depth(value, FREE_FORM_MAX_DEPTH) > FREE_FORM_MAX_DEPTH:
        raise ValueError(f"nested more than {FREE_FORM_MAX_DEPTH} levels deep")
    if len(json.dumps(value, ensure_ascii=False, default=str)) > FREE_FORM_MAX_BYTES:
        raise ValueError(f"larger than {FREE_FORM_MAX_BYTES} characters of JSON")
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


# A batch item's decision fields: the largest decision body is a few short texts and a list of
# sections, 3 levels deep and a few KB; the decision's own model checks them after these bounds.
FREE_FORM_MAX_DEPTH = 4
FREE_FORM_MAX_BYTES = 16 * 1024

Text = Annotated[str, AfterValidator(_no_control), AfterValidator(_visible), Field(max_length=500)]
LongText = Annotated[str, AfterValidator(_no_control_but_lines), Field(max_length=20000)]
Code = Annotated[str, BeforeValidator(_nfkc), AfterValidator(_no_control), AfterValidator(_visible),
                 Field(max_length=100)]
IdNumber = Annotated[Code, AfterValidator(_ascii_code)]
Phone = Annotated[str, BeforeValidator(_nfkc), AfterValidator(_phone)]
StrictInt = Annotated[int, Strict()]
StrictBool = Annotated[bool, Strict()]
StrictFloat = Annotated[float, Strict()]
Year = Annotated[StrictInt, Field(ge=1950, le=2100)]
Count = Annotated[StrictInt, Field(ge=0, le=100_000)]
Hours = Annotated[StrictInt, Field(ge=0, le=5_000)]
FreeForm = Annotated[Any, AfterValidator(_bounded_free_form)]
Day = Annotated[date, AfterValidator(_plausible_date)]
Moment = Annotated[datetime, AfterValidator(_plausible_datetime)]

STRICT = ConfigDict(extra="forbid")
_CODE_NAMES = ("_id", "code", "id_number", "area", "province")
_LONG_NAMES = ("statement", "text", "opinion", "reason")


def _scalar(name: str, annotation: Any) -> Any:
    if annotation is str:
        if name == "phone":
            return Phone
        if name == "id_number":
            return IdNumber
        if name.endswith(_CODE_NAMES):
            return Code
        return LongText if name.endswith(_LONG_NAMES) else Text
    if annotation is int:
        return Year if name == "year" else Hours if name.endswith("hours") else Count
    if annotation is bool:
        return StrictBool
    if annotation is float:
        return StrictFloat
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
