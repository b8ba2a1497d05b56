"""The HTTP edge of filing (an adapter, beside the request models it reads): turn an applicant's
request into the Application contract, refusing at the door what the notice says must be fixed
before filing (photo, statement, pledge, attachments, ID, credit code).

Every problem is reported at once, field by field (services/intake/domain/validation.py);
nothing is stored when any is found.
"""
from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from contracts.application import Application
from contracts.errors import InvalidInput, TooLarge
from contracts.plan import Plan
from services.intake.adapters.requests import SubmitRequest
from services.intake.domain import validation
from services.intake.usecases.personal import Filer


def largest_photo_base64(plan: Plan) -> int:
    """Characters of base64 for the largest photo the plan accepts (1,398,100 for "< 1 MB")."""
    return (plan.photo.max_bytes_exclusive - 1 + 2) // 3 * 4


def _photo_bytes(request: SubmitRequest, plan: Plan) -> bytes | None:
    if request.photo_base64 is None:
        return None
    if len(request.photo_base64) > (limit := largest_photo_base64(plan)):
        # Larger than the largest valid photo: refused before decoding it (contracts/limits.py).
        raise TooLarge("证件照文件须小于1MB", "the ID photo must be smaller than 1 MB", code="PHOTO_TOO_LARGE",
                       details=[{"field": "photo_base64", "code": "PHOTO_TOO_LARGE", "limit_chars": limit,
                                 "got_chars": len(request.photo_base64)}])
    try:
        return base64.b64decode(request.photo_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("证件照不是有效的base64编码", "photo_base64 is not valid base64",
                           details=[{"field": "photo_base64", "code": "PHOTO_NOT_BASE64",
                                     "message_zh": "证件照编码无效", "message_en": "invalid base64"}]) from None


def prepare(request: SubmitRequest, plan: Plan, *, person_ref_secret: str, now: datetime,
            application_id: uuid.UUID | None = None, revision: int = 1,
            uploaded_photo: bytes | None = None, door: bool = True) -> tuple[Application, bytes | None]:
    """The Application the request becomes, refused (InvalidInput listing every problem) unless it
    passes the door's checks; `door=False` only parses it (the draft checks, which report them)."""
    photo = uploaded_photo if uploaded_photo is not None else _photo_bytes(request, plan)
    fields = request.model_dump(exclude={"applicant", "photo_base64", "photo_ref", "application_id"})
    id_number = validation.compact_id(request.applicant.id_number)
    today = now.astimezone(ZoneInfo(plan.timezone)).date()
    # The photo is read once (header first, then a reduced-scale decode) and that reading is what
    # every check uses; a photo claiming too many pixels is refused before any decode.
    measured = validation.read_photo(photo) if photo else None
    if validation.too_many_pixels(measured):
        problem = validation.pixels_problem(measured)
        raise InvalidInput(problem.message_zh, problem.message_en, code="PHOTO_PIXELS", details=[problem.as_dict()])
    draft = {
        **fields,
        "application_id": application_id or request.application_id or uuid.uuid4(),
        "plan_id": fields.get("plan_id") or plan.plan_id,
        "revision": revision,
        "submitted_at": now,
        # Pseudonymous: name, phone and ID number go to `filer` (sealed, and the personal-data topic).
        "applicant": {"person_ref": validation.person_ref(id_number, person_ref_secret)},
        "photo": measured.photo if measured else None,
    }
    try:
        application = Application.model_validate(draft)
    except ValidationError as exc:
        details = [{"field": ".".join(map(str, e["loc"])), "code": "SCHEMA_" + e["type"].upper(),
                    "message_zh": f"字段格式不正确：{e['msg']}", "message_en": e["msg"]} for e in exc.errors()]
        raise InvalidInput("申报数据格式不正确，请按提示修改", "the application is malformed; see the fields listed",
                           details=details) from None
    if door:
        validation.validate_filing(application, plan, id_number=id_number, photo=measured if photo else None,
                                   today=today)
    return application, photo


def filer_of(request: SubmitRequest, application: Application, plan: Plan, now: datetime) -> Filer:
    """The applicant's own fields, as typed (the ID number compacted), for sealing and the topic."""
    id_number = validation.compact_id(request.applicant.id_number)
    today = now.astimezone(ZoneInfo(plan.timezone)).date()
    born = None if validation.id_number_problems(id_number, today) else validation.birth_date(id_number)
    return Filer(person_ref=application.applicant.person_ref, name=request.applicant.name,
                 phone=request.applicant.phone, id_number=id_number, birth_date=born)
