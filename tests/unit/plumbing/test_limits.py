"""The limits agree with each other and with the broker's configuration (contracts/limits.py)."""
import base64
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

from contracts import limits as L
from contracts.application import Application
from contracts.plan import load_plan
from services.intake.adapters.prepare import largest_photo_base64

ROOT = Path(__file__).resolve().parents[3]


def test_each_door_is_wider_than_the_one_before():
    assert L.EVENT_MAX_BYTES < L.KAFKA_PRODUCER_MAX_REQUEST_BYTES < L.KAFKA_BROKER_MESSAGE_BYTES
    assert L.RECORD_MAX_BYTES <= L.KAFKA_BROKER_MESSAGE_BYTES


def test_the_broker_configuration_says_the_same_message_limit():
    config = (ROOT / "infra/kafka/server.properties.in").read_text()
    assert int(re.search(r"^message\.max\.bytes=(\d+)$", config, re.M).group(1)) == L.KAFKA_BROKER_MESSAGE_BYTES


def _largest_application() -> Application:
    title, short, day = "题" * L.TITLE_MAX_CHARS, "x" * L.SHORT_TEXT_MAX_CHARS, date(2020, 1, 1)
    return Application.model_validate({
        "application_id": "00000000-0000-0000-0000-000000000001", "plan_id": short, "route": "normal",
        "specialty": short, "professional_years": 40, "self_statement": "述" * L.STATEMENT_MAX_CHARS,
        "submitted_at": datetime.now(UTC),
        "applicant": {"name": "名" * L.NAME_MAX_CHARS, "id_number_masked": short, "person_ref": short,
                      "birth_date": day, "phone": short},
        "unit": {"unit_id": short, "name": title, "credit_code": short, "area": short, "kind": "government"},
        "assessments": [{"year": 2000 + i, "result": "合格"} for i in range(L.YEARS_MAX_ITEMS)],
        "continuing_education": [{"year": 2000 + i, "professional_hours": 90, "general_public_hours": 30,
                                  "industry_public_hours": 30} for i in range(L.YEARS_MAX_ITEMS)],
        "previous_reviews": [{"year": 2000 + i, "passed": False} for i in range(L.YEARS_MAX_ITEMS)],
        "achievements": [{"entry_id": short, "title": title, "achieved_on": day, "approved_by_unit": True,
                          "contribution_evidence_attachment_id": short} for _ in range(L.CITED_MAX_ITEMS)],
        "landmark_achievements": [{"title": title, "obtained_on": day, "evidence_attachment_id": short}
                                  for _ in range(L.CITED_MAX_ITEMS)],
        "papers": [{"title": title, "journal": title, "published_on": day} for _ in range(L.CITED_MAX_ITEMS)],
        "appointment_letters": [{"title": title, "start": day} for _ in range(L.CITED_MAX_ITEMS)],
        "attachments": [{"attachment_id": short, "kind": "ce_certificate", "year": 2000}
                        for _ in range(L.ATTACHMENTS_MAX_ITEMS)],
    })


def test_the_largest_valid_application_fits_in_one_event():
    payload = json.dumps(_largest_application().model_dump(mode="json"), ensure_ascii=False).encode()
    assert len(payload) < L.EVENT_MAX_BYTES


def test_the_largest_valid_filing_with_its_photo_fits_in_intakes_body_limit():
    plan = load_plan("shaoxing-2020")
    largest_photo = plan.photo.max_bytes_exclusive - 1
    assert largest_photo_base64(plan) == len(base64.b64encode(b"\0" * largest_photo))
    assert len(base64.b64encode(b"\0" * (largest_photo + 1))) > largest_photo_base64(plan)
    application = json.dumps(_largest_application().model_dump(mode="json"), ensure_ascii=False).encode()
    assert largest_photo_base64(plan) + len(application) < L.HTTP_BODY_MAX_BYTES_INTAKE
