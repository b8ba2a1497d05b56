"""Review events as the review service would publish them, for feeding notify directly."""
from __future__ import annotations

import json
import uuid
from pathlib import Path
from datetime import UTC, datetime

from contracts.envelope import SYSTEM_ACTOR, Envelope
from contracts.application import Route
from contracts.events import (
    Acting, ApplicationSubmitted, ApplicationSummary, CaseMovedTo, CaseOpened, Outcome, Payload, ReviewLevel,
    UnitAuthorized,
)
from contracts.application import Application
from contracts.personal_record import APPLICANT, OPERATOR, PersonalRecord, record_key
from contracts.review_chain import unit_org
from contracts.upcasters import FIRST_PLAN_ID, FIRST_PLAN_VERSION

UNIT_MOBILE = "13800000000"


def envelope(payload: Payload, stream_id: str, version: int = 1, *, event_id: uuid.UUID | None = None) -> Envelope:
    now = datetime.now(UTC)
    return Envelope(event_id=event_id or uuid.uuid4(), event_type=type(payload).__name__, stream_id=stream_id,
                    stream_version=version, occurred_at=now, recorded_at=now, actor=SYSTEM_ACTOR,
                    correlation_id=uuid.uuid4(), payload=payload.model_dump(mode="json"),
                    schema_version=payload.schema_version)


def summary(unit_id: str, *, area: str = "yuecheng", phone: str = "13912345678", kind: str = "state_enterprise",
            talent_center: bool = False) -> ApplicationSummary:
    return ApplicationSummary(person_ref=f"tel-{phone}", unit_id=unit_id, unit_name=f"{unit_id}建设有限公司", unit_area=area, unit_kind=kind,
                              route=Route.NORMAL, specialty="建筑施工", personnel_files_at_talent_center=talent_center)


def personal_record(e: Envelope) -> tuple[bytes, bytes, str] | None:
    """The personal-data topic's record (key, value) of the applicant an envelope names, if any:
    events carry only person_ref; notify looks the name and phone up by it."""
    ref = (e.payload.get("summary") or {}).get("person_ref", "")
    if operator := e.payload.get("operator_ref", ""):  # review's record of a unit's authorised operator
        record = PersonalRecord(person_ref=operator, name="李经办", phone=operator[4:])
        return record_key(OPERATOR, operator), record.model_dump_json().encode(), OPERATOR
    if not ref.startswith("tel-"):
        return None
    record = PersonalRecord(person_ref=ref, name="王建国", phone=ref[4:], id_number_masked="330602************")
    return record_key(APPLICANT, ref), record.model_dump_json().encode(), APPLICANT


_FILING = json.loads((Path(__file__).resolve().parents[2] / "fixtures/applicants.json").read_text(encoding="utf-8"))[0]


def filed(app_id: uuid.UUID, person_ref: str = "", unit_id: str = "u-filed", *,
          plan: tuple[str, str] = (FIRST_PLAN_ID, FIRST_PLAN_VERSION)) -> Envelope:
    """Intake's ApplicationSubmitted of `app_id` under `plan` (id, version): what makes the application
    known to notify. No unit phone, so it adds no unit contact of its own."""
    application = _FILING["application"]
    application = {**application, "application_id": str(app_id), "applicant": {"person_ref": person_ref or "ab" * 32},
                   "unit": {**application["unit"], "unit_id": unit_id, "phone": None}, "plan_id": plan[0]}
    return envelope(ApplicationSubmitted(application=Application.model_validate(application),
                                         plan_version=plan[1]), f"application-{app_id}")


def case_opened(app_id: uuid.UUID, unit_id: str, *, plan: tuple[str, str] = (FIRST_PLAN_ID, FIRST_PLAN_VERSION),
                **kwargs) -> Envelope:
    s = summary(unit_id, **kwargs)
    return envelope(CaseOpened(application_id=app_id, revision=1, outcome=Outcome.ELIGIBLE, summary=s,
                               acting=Acting(level=ReviewLevel.UNIT, org_id=unit_org(s)), route_used=Route.NORMAL,
                               plan_id=plan[0], plan_version=plan[1]),
                    f"case-{app_id}")


def moved(app_id: uuid.UUID, version: int, level: ReviewLevel | None = None, org_id: str = "") -> Envelope:
    """Review's CaseMovedTo: the case now waits at (level, org_id), or at nobody (no level)."""
    acting = Acting(level=level, org_id=org_id) if level else None
    return envelope(CaseMovedTo(application_id=app_id, acting=acting), f"case-{app_id}", version)


def unit_authorized(unit_id: str, phone: str) -> Envelope:
    """The operator by reference (`tel-<phone>`); their record comes with it (personal_record)."""
    return envelope(UnitAuthorized(unit_id=unit_id, unit_name=f"{unit_id}建设有限公司", operator_ref=f"tel-{phone}"),
                    f"unit-{unit_id}")


def mobile(n: int) -> str:
    """A distinct valid mainland mobile per n (rate limits are per number)."""
    return f"139{n:08d}"
