"""Turn an applicant's request into the Application contract, refusing at the door what the
notice says must be fixed before filing (photo, statement, pledge, attachments, ID, credit code).

Every problem is reported at once, field by field; nothing is stored when any is found.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from datetime import datetime

from pydantic import ValidationError

from contracts.application import Application
from contracts.errors import InvalidInput
from contracts.plan import Plan
from services.intake.adapters.requests import SubmitRequest
from services.intake.domain import validation


def _photo_bytes(request: SubmitRequest) -> bytes | None:
    if request.photo_base64 is None:
        return None
    try:
        return base64.b64decode(request.photo_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("证件照不是有效的base64编码", "photo_base64 is not valid base64",
                           details=[{"field": "photo_base64", "code": "PHOTO_NOT_BASE64",
                                     "message_zh": "证件照编码无效", "message_en": "invalid base64"}]) from None


def prepare(request: SubmitRequest, plan: Plan, *, person_ref_secret: str, now: datetime,
            application_id: uuid.UUID | None = None, revision: int = 1) -> tuple[Application, bytes | None]:
    photo = _photo_bytes(request)
    fields = request.model_dump(exclude={"applicant", "photo_base64", "application_id"})
    id_number = request.applicant.id_number.strip().upper()
    problems = validation.door_problems(fields, id_number=id_number, photo=photo, plan=plan)
    draft = {
        **fields,
        "application_id": application_id or request.application_id or uuid.uuid4(),
        "plan_id": fields.get("plan_id") or plan.plan_id,
        "revision": revision,
        "submitted_at": now,
        "applicant": {
            "name": request.applicant.name, "phone": request.applicant.phone,
            "id_number_masked": validation.mask_id_number(id_number),
            "person_ref": validation.person_ref(id_number, person_ref_secret),
            "birth_date": validation.birth_date_of(id_number) if not _id_problem(problems) else "1900-01-01",
        },
        "photo": validation.photo_facts(photo) if photo is not None and not _photo_problem(problems) else None,
    }
    try:
        application = Application.model_validate(draft)
    except ValidationError as exc:
        problems += [{"field": ".".join(map(str, e["loc"])), "code": "SCHEMA_" + e["type"].upper(),
                      "message_zh": f"字段格式不正确：{e['msg']}", "message_en": e["msg"]} for e in exc.errors()]
        application = None
    if problems:
        raise InvalidInput("申报材料不符合要求，请按提示修改后再提交",
                           "the application cannot be filed yet; fix the fields listed", details=problems)
    return application, photo


def _id_problem(problems: list[dict]) -> bool:
    return any(p["field"].startswith("applicant.id_number") for p in problems)


def _photo_problem(problems: list[dict]) -> bool:
    return any(p["field"].startswith("photo") for p in problems)


def photo_sha(photo: bytes) -> str:
    return hashlib.sha256(photo).hexdigest()
