"""SMS templates as data: one catalogue per plan and locale, checked when it is loaded.

A catalogue is JSON (see services/notify/templates/). Each template is the platform's template code
(assigned when the platform approves the text) and our copy of its text; a message is sent as the
code plus its named parameters (`Rendered.params`), never as free text, and the text rendered here
is what the person receives, kept for the status views. Placeholders are bare `{name}` fields from
`KNOWN_FIELDS`; anything else (positional, attribute or index access, conversions) is refused at
load time, so a typo in a template fails at start-up rather than when the first SMS goes out.
"""
from __future__ import annotations

import json
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType

from contracts.personal_data import redact

KNOWN_FIELDS = frozenset({
    "name", "plan", "step", "reason", "unit_name", "phone_masked", "starts_on", "ends_on",
    "working_days", "scheduled_at", "place", "amount_yuan", "due_by", "committee", "bureau",
    "deadline", "waiting_cases", "days_before", "hotline", "copies", "deliver_to",
})
# Free text that may be shortened to keep a message within one long SMS.
TRUNCATABLE = ("reason",)
ELLIPSIS = "…"
_DATE_PARTS = frozenset({"year", "month", "day"})
_DATETIME_PARTS = _DATE_PARTS | {"hour", "minute"}

FieldValue = str | int | date | datetime


class TemplateError(ValueError):
    """A catalogue that cannot be used, or a render call missing a field."""


def placeholders(text: str, allowed: frozenset[str], where: str, allow_spec: bool = False) -> set[str]:
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc}") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed or conversion or (spec and not allow_spec):
            raise TemplateError(f"{where}: placeholder {{{name}}} is not allowed (known: {sorted(allowed)})")
        names.add(name)
    return names


@dataclass(frozen=True)
class Rendered:
    """A template message: the code and parameters the platform is sent, and the text it shows."""

    code: str
    params: Mapping[str, str]
    text: str


@dataclass(frozen=True)
class Catalogue:
    plan_id: str
    locale: str
    signature: str
    max_chars: int
    templates: Mapping[str, str]
    steps: Mapping[str, str]
    date_format: str
    datetime_format: str
    # Values used when routing leaves a field out: the hotline, a reason when none was given.
    defaults: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    codes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # template -> platform code
    sign_name: str = ""  # the platform's approved signature (SignName), e.g. 12333

    def code_of(self, template: str) -> str:
        return self.codes.get(template, template)

    def fields_of(self, template: str) -> set[str]:
        return placeholders(self.templates[template], KNOWN_FIELDS, template)

    def render(self, template: str, fields: Mapping[str, FieldValue]) -> str:
        """The full SMS text: signature + template, reason shortened to fit, then redacted."""
        return self.message(template, fields).text

    def message(self, template: str, fields: Mapping[str, FieldValue]) -> Rendered:
        """The template's code, its parameters (each redacted, the reason shortened so the whole
        text fits) and the text they make."""
        if template not in self.templates:
            raise TemplateError(f"unknown template {template!r} in catalogue {self.plan_id}/{self.locale}")
        body = self.signature + self.templates[template]
        given = {**self.defaults, **{k: v for k, v in fields.items() if v != ""}}
        needed = self.fields_of(template)
        missing = needed - given.keys()
        if missing:
            raise TemplateError(f"template {template!r} needs fields {sorted(missing)}")
        values = {k: redact(self._text(k, given[k])) for k in needed}
        text = self._fit(body, values)  # shortens values' free text in place
        return Rendered(self.code_of(template), MappingProxyType(values), redact(text))

    def _text(self, key: str, value: FieldValue) -> str:
        if key == "step":
            return self.steps.get(str(value), str(value))
        if isinstance(value, datetime):
            parts = dict(year=value.year, month=value.month, day=value.day, hour=value.hour, minute=value.minute)
            return self.datetime_format.format(**parts)
        if isinstance(value, date):
            return self.date_format.format(year=value.year, month=value.month, day=value.day)
        return str(value)

    def _fit(self, body: str, values: dict[str, str]) -> str:
        text = body.format(**values)
        for key in TRUNCATABLE:
            over = len(text) - self.max_chars
            if over <= 0 or key not in values:
                continue
            keep = max(len(values[key]) - over - len(ELLIPSIS), 0)
            values[key] = values[key][:keep] + ELLIPSIS
            text = body.format(**values)
        return text


def load_catalogue(data: Mapping | str) -> Catalogue:
    """A catalogue from its JSON text or parsed dict; refuses unknown placeholders."""
    raw = json.loads(data) if isinstance(data, str) else data
    try:
        # A template is {"code": the platform's code, "text": ...}; a bare text is its own code (tests, drafts).
        entries = {str(k): v if isinstance(v, Mapping) else {"code": str(k), "text": v}
                   for k, v in raw["templates"].items()}
        templates = {k: str(v["text"]) for k, v in entries.items()}
        codes = {k: str(v["code"]) for k, v in entries.items()}
        cat = Catalogue(
            plan_id=raw["plan_id"], locale=raw["locale"], signature=raw.get("signature", ""),
            max_chars=int(raw.get("max_chars", 140)), templates=MappingProxyType(templates),
            steps=MappingProxyType(dict(raw.get("steps", {}))),
            date_format=raw.get("date_format", "{year}-{month}-{day}"),
            datetime_format=raw.get("datetime_format", "{year}-{month}-{day} {hour}:{minute:02d}"),
            defaults=MappingProxyType({str(k): str(v) for k, v in raw.get("defaults", {}).items()}),
            codes=MappingProxyType(codes),
            sign_name=str(raw.get("sign_name") or raw.get("signature", "").strip("【】")),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise TemplateError(f"catalogue is missing or mistypes {exc}") from None
    for name, text in templates.items():
        placeholders(text, KNOWN_FIELDS, name)
        if not codes[name].strip():
            raise TemplateError(f"{name}: no template code")
    placeholders(cat.signature, frozenset(), "signature")
    unknown = set(cat.defaults) - KNOWN_FIELDS
    if unknown:
        raise TemplateError(f"defaults name unknown fields {sorted(unknown)}")
    placeholders(cat.date_format, _DATE_PARTS, "date_format", allow_spec=True)
    placeholders(cat.datetime_format, _DATETIME_PARTS, "datetime_format", allow_spec=True)
    return cat
