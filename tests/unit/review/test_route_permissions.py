"""Who may call a review route is the permission table's answer, by one mechanism: every operation
names its action (`x-action`) and admits exactly the roles `PERMISSIONS` gives that action
(`x-roles`, which `caller` enforces: tests/e2e/test_every_route_with_every_role.py). What every
reader of a case sees (the applicant included) names no reviewer and quotes no objection."""
import uuid
from datetime import UTC, datetime

import pytest

from contracts.envelope import Actor, Envelope, Role
from services.review.domain.authorization import PERMISSIONS
from services.review.adapters.views import decisions_seen_by_anyone

UNGUARDED = {"/healthz", "/readyz", "/metrics"}  # probes; /metrics takes loopback or its own token


@pytest.fixture(scope="module")
def operations():
    import os

    os.environ.setdefault("ZC_DEV_MODE", "1")
    from services.review.bootstrap import create_app

    schema = create_app().openapi()
    return [(method.upper(), path, op) for path, ops in schema["paths"].items() for method, op in ops.items()
            if path not in UNGUARDED and not path.startswith("/audit/")]


def test_every_review_route_admits_exactly_the_roles_the_permission_table_gives_its_action(operations):
    assert len(operations) > 20
    for method, path, op in operations:
        action = op.get("x-action")
        assert action in PERMISSIONS, (method, path, "names no action of the permission table")
        assert op["x-roles"] == sorted(r.value for r in PERMISSIONS[action] - {Role.SYSTEM}), (method, path)


def test_the_applicant_may_read_a_case_but_not_its_history_as_stored(operations):
    by_path = {(m, p): op for m, p, op in operations}
    assert "applicant" in by_path[("GET", "/cases/{application_id}")]["x-roles"]
    assert "applicant" not in by_path[("GET", "/cases/{application_id}/history")]["x-roles"]


def _event(event_type: str, payload: dict, user: str) -> Envelope:
    now = datetime(2020, 7, 6, tzinfo=UTC)
    return Envelope(event_type=event_type, stream_id="case-x", stream_version=1, occurred_at=now, recorded_at=now,
                    actor=Actor(role=Role.UNIT, organisation="u-kq-jsgs", user=user),
                    correlation_id=uuid.uuid4(), payload=payload)


def test_what_any_reader_sees_of_a_case_has_no_reviewers_name_and_no_objection_text():
    app = str(uuid.uuid4())
    history = [_event("Returned", {"application_id": app, "level": "unit", "reason": "补充继续教育证明",
                                   "sections": [{"section": "ce_certificates", "reason": "缺2019年"}]}, "审核员王五"),
               _event("ObjectionRecorded", {"application_id": app, "summary": "举报人李四：论文抄袭"}, "审核员王五"),
               _event("ObjectionResolved", {"application_id": app, "number": 1, "upheld": False,
                                            "finding": "经核实不成立"}, "审核员王五")]
    seen = decisions_seen_by_anyone(history)
    text = repr(seen)
    assert "审核员王五" not in text and "李四" not in text and "论文抄袭" not in text
    assert "补充继续教育证明" in text and "缺2019年" in text and "经核实不成立" in text  # reasons, what to fix
    assert [e["event_type"] for e in seen] == ["Returned", "ObjectionRecorded", "ObjectionResolved"]
    assert seen[0]["by"] == {"role": "unit", "organisation": "u-kq-jsgs"}
