"""The plan is a fact of the application: the registry finds the plan an event records, refuses one
it does not ship, and history written before events recorded a version reads as the first plan's."""
import json
import uuid

import pytest

from contracts.errors import Refused
from contracts.plan import PLANS_DIR, PlanError, PlanRegistry, UnknownPlan, load_plan, plan_registry
from contracts.registry import decode_payload
from contracts.upcasters import FIRST_PLAN_ID, FIRST_PLAN_VERSION
from tests.fixtures.builders import normal_applicant
from tests.fixtures.plans import FIRST, REVISED_VERSION, both_versions, revised_plan


def test_every_shipped_plan_file_is_in_the_registry_by_its_id_and_version():
    shipped = {(p["plan_id"], p["version"]) for p in
               (json.loads(f.read_text(encoding="utf-8")) for f in PLANS_DIR.glob("*.json"))}
    registry = plan_registry()
    assert shipped and all(key in registry for key in shipped)
    assert registry.get(FIRST.plan_id, FIRST.version) == FIRST


def test_two_versions_of_one_plan_are_two_plans():
    registry = both_versions()
    assert registry.get(FIRST.plan_id, FIRST.version).normal_route_min_years == FIRST.normal_route_min_years
    assert registry.get(FIRST.plan_id, REVISED_VERSION).normal_route_min_years == 40


@pytest.mark.parametrize("plan_id, version", [("zj-sx-2020-zgj", "2019.1"), ("nowhere", "2020.1"), ("", "")])
def test_a_plan_the_service_does_not_ship_is_refused_as_bad_data_naming_it(plan_id, version):
    with pytest.raises(UnknownPlan) as refused:
        plan_registry().get(plan_id, version)
    assert isinstance(refused.value, Refused) and refused.value.code == "UNKNOWN_PLAN"
    assert refused.value.details == {"plan_id": plan_id, "plan_version": version}


def test_one_plan_id_and_version_defined_twice_is_refused():
    with pytest.raises(PlanError, match="defined twice"):
        PlanRegistry([FIRST, FIRST])


def test_a_plan_started_from_a_file_elsewhere_joins_the_shipped_ones_and_may_not_redefine_one(tmp_path):
    revised = tmp_path / "revised.json"
    revised.write_text(revised_plan().model_dump_json(), encoding="utf-8")
    registry = plan_registry(str(revised))
    assert (FIRST.plan_id, REVISED_VERSION) in registry and (FIRST.plan_id, FIRST.version) in registry
    clash = tmp_path / "clash.json"
    clash.write_text(FIRST.model_copy(update={"normal_route_min_years": 1}).model_dump_json(), encoding="utf-8")
    with pytest.raises(PlanError, match="differs from the shipped one"):
        plan_registry(str(clash))


def test_the_first_plan_the_upcasters_name_is_the_shipped_2020_plan():
    assert (FIRST_PLAN_ID, FIRST_PLAN_VERSION) == (load_plan("shaoxing-2020").plan_id, load_plan("shaoxing-2020").version)


@pytest.mark.parametrize("event_type", ["ApplicationSubmitted", "ApplicationResubmitted"])
def test_a_v3_filing_reads_as_filed_under_the_first_plan(event_type):
    v3 = {"application": normal_applicant().model_dump(mode="json")}
    filed = decode_payload(event_type, 3, v3)
    assert (filed.application.plan_id, filed.plan_version) == (FIRST_PLAN_ID, FIRST_PLAN_VERSION)


def test_a_v4_filing_keeps_the_version_it_records():
    v4 = {"application": normal_applicant().model_dump(mode="json"), "plan_version": REVISED_VERSION}
    assert decode_payload("ApplicationSubmitted", 4, v4).plan_version == REVISED_VERSION


def test_a_v3_case_opened_reads_as_opened_under_the_first_plan_and_a_v4_as_recorded():
    summary = {"unit_id": "u-1", "unit_name": "某公司", "unit_area": "keqiao", "unit_kind": "private_enterprise",
               "route": "normal", "specialty": "建筑结构"}
    v3 = {"application_id": str(uuid.uuid4()), "revision": 1, "outcome": "eligible", "summary": summary,
          "acting": {"level": "unit", "org_id": "u-1"}, "route_used": None}
    assert (decode_payload("CaseOpened", 3, v3).plan_version) == FIRST_PLAN_VERSION
    v4 = {**v3, "plan_id": FIRST_PLAN_ID, "plan_version": REVISED_VERSION}
    assert decode_payload("CaseOpened", 4, v4).plan_version == REVISED_VERSION
