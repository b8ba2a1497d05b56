"""One typed, strict request body per review decision, derived from the domain's command
(minus who acts and on which case, which come from the token and the URL)."""
import dataclasses
import typing

from pydantic import BaseModel, create_model

from plumbing.edges.inputs import STRICT, _strict_type
from services.review.domain import commands as c

COMMANDS: dict[str, type[c.Command]] = {
    "unit-pass": c.UnitPass, "unit-not-pass": c.UnitNotPass, "return": c.ReturnForRevision,
    "public-notice-start": c.StartPublicNotice, "objection": c.RecordObjection,
    "objection-resolve": c.ResolveObjection,
    "public-notice-complete": c.CompletePublicNotice, "fee-option": c.SetFeeOption,
    "department-pass": c.DepartmentPass, "department-not-pass": c.DepartmentNotPass,
    "interview-schedule": c.ScheduleInterview, "interview-result": c.RecordInterviewResult,
    "recommend": c.RecommendToCity, "forward": c.ForwardToCommittee, "fee-request": c.RequestFee,
    "fee-payment": c.RecordFeePayment,
}
_FROM_CONTEXT = {"actor", "application_id"}


def _body_model(name: str, command: type[c.Command]) -> type[BaseModel]:
    hints = typing.get_type_hints(command)
    fields = {}
    for f in dataclasses.fields(command):
        if f.name in _FROM_CONTEXT:
            continue
        hint = hints[f.name]
        if typing.get_origin(hint) is tuple:  # tuple[X, ...] travels as a JSON list
            hint = list[typing.get_args(hint)[0]]
        default = ... if f.default is dataclasses.MISSING else f.default
        fields[f.name] = (_strict_type(f.name, hint, {}), default)
    title = "".join(part.capitalize() for part in name.split("-")) + "Body"
    return create_model(title, __config__=STRICT, **fields)


BODIES: dict[str, type[BaseModel]] = {name: _body_model(name, cmd) for name, cmd in COMMANDS.items()}
