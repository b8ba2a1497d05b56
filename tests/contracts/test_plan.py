"""The plan is data: a new year's plan is a new file, and a wrong file is refused at start-up."""
import json

import pytest

from contracts.plan import PLANS_DIR, PlanError, load_plan, load_plan_file
from plumbing.settings import ServiceSettings


def _write(tmp_path, change) -> str:
    data = json.loads((PLANS_DIR / "shaoxing-2020.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_the_2020_shaoxing_plan_holds_the_notice_values():
    plan = load_plan("shaoxing-2020")
    assert (str(plan.cutoff_date), str(plan.unit_deadline), str(plan.city_deadline)) == (
        "2020-12-31", "2020-08-20", "2020-09-19")
    assert plan.assessment_years == [2016, 2017, 2018, 2019] and plan.public_notice_working_days == 5
    assert len(plan.receiving_units) == 7 and plan.receiving_unit("xinchang").phone == "86023080"


def test_a_next_years_plan_is_a_new_file_not_new_code(tmp_path):
    def next_year(d):
        d.update(plan_id="zj-sx-2021-zgj", version="2021.1", cutoff_date="2021-12-31",
                 assessment_years=[2017, 2018, 2019, 2020], unit_deadline="2021-08-20", city_deadline="2021-09-19",
                 city_working_deadline="2021-09-30")
    plan = load_plan_file(_write(tmp_path, next_year))
    assert plan.plan_id == "zj-sx-2021-zgj" and plan.assessment_years[-1] == 2020


@pytest.mark.parametrize("change, says", [
    (lambda d: d.pop("cutoff_date"), "cutoff_date"),
    (lambda d: d.update(unit_deadline="2020-10-01"), "unit_deadline must not be after city_deadline"),
    (lambda d: d.update(city_working_deadline="2020-09-18"), "city_working_deadline must not be before city_deadline"),
    (lambda d: d.update(public_notice_working_days="five"), "public_notice_working_days"),
    (lambda d: d.update(surprise=1), "surprise"),
])
def test_a_wrong_plan_file_is_refused_with_the_field_named(tmp_path, change, says):
    with pytest.raises(PlanError) as refused:
        load_plan_file(_write(tmp_path, change))
    assert says in str(refused.value)


def test_a_service_refuses_to_start_with_a_wrong_plan(tmp_path):
    from services.eligibility.bootstrap import create_app

    bad = _write(tmp_path, lambda d: d.pop("journal_blacklist"))
    with pytest.raises(PlanError, match="journal_blacklist"):
        create_app(ServiceSettings(service="eligibility", plan=bad))


def test_a_missing_or_broken_plan_file_is_refused(tmp_path):
    with pytest.raises(PlanError, match="not found"):
        load_plan_file(tmp_path / "nope.json")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(PlanError, match="not valid JSON"):
        load_plan_file(tmp_path / "broken.json")


def test_facts_the_notice_does_not_give_are_marked_as_operator_data_to_be_confirmed():
    plan = load_plan()
    for field in ("city_working_deadline", "reviewable_specialties", "talent_exchange_centre",
                  "receiving_units.yuecheng.construction_authority"):
        assert plan.unconfirmed(field) and "to be confirmed by the operator" in plan.to_be_confirmed_by_operator[field]
    assert not plan.unconfirmed("unit_deadline")  # 8月20日 is the notice's own


def test_the_plan_invents_no_fee_the_notice_does_not_name():
    raw = json.loads((PLANS_DIR / "shaoxing-2020.json").read_text(encoding="utf-8"))
    assert "fee" not in raw and not hasattr(load_plan(), "fee")
