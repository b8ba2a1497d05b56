from contracts.application import UnitKind
from contracts.events import ReviewLevel
from contracts.review_chain import org_names, review_chain, talent_center_org, unit_org
from tests.unit.review.builders import PLAN, summary


def test_a_district_unit_goes_to_its_areas_construction_authority_then_hr_bureau_then_the_city():
    chain = review_chain(PLAN, summary(area="keqiao", unit_id="kq-firm"))
    assert [(s.level, s.org_id) for s in chain] == [
        (ReviewLevel.UNIT, "kq-firm"), (ReviewLevel.CONSTRUCTION_AUTHORITY, "kq-construction"),
        (ReviewLevel.HR_BUREAU, "kq-hr"), (ReviewLevel.CITY_HR_BUREAU, "sx-city-hr")]


def test_a_city_level_unit_goes_to_the_city_construction_bureau_and_the_city_hr_bureau_twice():
    chain = review_chain(PLAN, summary(area="city", unit_id="city-design-institute"))
    assert [s.org_id for s in chain] == ["city-design-institute", "sx-city-construction", "sx-city-hr", "sx-city-hr"]


def test_a_private_firm_whose_files_the_talent_center_keeps_files_through_the_talent_center():
    s = summary(area="zhuji", unit_id="zj-private", kind=UnitKind.PRIVATE_ENTERPRISE)
    chain = review_chain(PLAN, s.model_copy(update={"personnel_files_at_talent_center": True}))
    assert chain[0].org_id == talent_center_org("zhuji") == "zhuji-talent-center"
    assert chain[1].org_id == "zj-construction"


def test_a_private_firm_keeping_its_own_files_files_directly():
    s = summary(area="zhuji", unit_id="zj-private", kind=UnitKind.PRIVATE_ENTERPRISE)
    assert unit_org(s) == "zj-private"


def test_the_talent_center_never_acts_for_a_state_enterprise():
    s = summary(unit_id="soe").model_copy(update={"personnel_files_at_talent_center": True})
    assert unit_org(s) == "soe"


def test_every_department_of_the_plan_has_its_chinese_name():
    names = org_names(PLAN)
    assert names["sx-city-hr"] and names["kq-construction"] and names["kq-hr"]


def test_the_talent_exchange_centre_is_named_in_the_notices_own_words_never_an_invented_name():
    from contracts.application import UnitKind
    from contracts.events import ApplicationSummary
    from contracts.plan import load_plan
    from contracts.review_chain import review_chain
    s = ApplicationSummary(applicant_name="甲", applicant_phone="13800000000", id_number_masked="x", unit_id="u",
                           unit_name="民企", unit_area="city", unit_kind=UnitKind.PRIVATE_ENTERPRISE, route="normal",
                           specialty="建筑结构", personnel_files_at_talent_center=True)
    assert review_chain(load_plan(), s)[0].org_name_zh == "人才交流中心（市直）"
