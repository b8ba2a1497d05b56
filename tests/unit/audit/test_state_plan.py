"""The state at a moment is computed under the plan the application recorded, never "the current one"."""
import pytest

from zc.audit_state import PlanNotFound, plan_for


def test_the_recorded_plan_id_and_version_are_found():
    plan = plan_for("zj-sx-2020-zgj", "2020.1")
    assert (plan.plan_id, plan.version) == ("zj-sx-2020-zgj", "2020.1")


def test_a_plan_version_we_do_not_hold_is_refused_rather_than_replaced_by_another():
    with pytest.raises(PlanNotFound):
        plan_for("zj-sx-2020-zgj", "2021.1")


def test_the_recorded_plan_is_looked_up_in_the_registry_the_services_use():
    from tests.fixtures.plans import REVISED_VERSION, both_versions

    plan = plan_for("zj-sx-2020-zgj", REVISED_VERSION, both_versions())
    assert (plan.version, plan.unit_deadline.isoformat()) == (REVISED_VERSION, "2020-08-10")
