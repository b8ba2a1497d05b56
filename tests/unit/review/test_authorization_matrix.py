"""Every role × every action, against an expectation written out by hand (not read from the code)."""
import pytest

from contracts.envelope import Role
from contracts.errors import Forbidden
from services.review.domain.archive import ArchiveEntry
from services.review.domain.authorization import PERMISSIONS, READ_ONLY_ACTIONS, Principal, authorize
from services.review.domain.case import Scope
from services.review.domain.commands import ALL_COMMANDS

from .builders import Story, summary

DEPARTMENT = {"read", "read_history", "decide_batch", "return", "set_fee_option", "department_pass", "department_not_pass",
              "export_roster"}
HR_BUREAU = DEPARTMENT | {"schedule_interview", "record_interview", "recommend"}
EXPECTED: dict[Role, set[str]] = {
    Role.APPLICANT: {"read", "add_archive_entry"},
    Role.UNIT: {"read", "read_history", "decide_batch", "approve_archive_entry", "reject_archive_entry", "unit_pass",
                "unit_not_pass", "start_notice", "record_objection", "resolve_objection", "complete_notice", "return",
                "export_notice_table"},
    Role.CONSTRUCTION_AUTHORITY: DEPARTMENT,
    Role.HR_BUREAU: HR_BUREAU,
    Role.CITY_HR_BUREAU: HR_BUREAU | {"forward", "request_fee", "record_fee_payment", "read_dashboard",
                                      "authorize_unit", "erase_staff"},
    Role.AUDITOR: {"read", "read_history", "export_notice_table", "export_roster", "read_dashboard"},
    Role.SYSTEM: {"read", "open_case", "close_withdrawn", "record_fee_payment", "close_overdue"},
}
TARGET = Scope(person_ref="person-1", unit_org="unit-yc-1", area="yuecheng")
INSIDE = {
    Role.APPLICANT: Principal(Role.APPLICANT, person_ref="person-1"),
    Role.UNIT: Principal(Role.UNIT, org="unit-yc-1", area="yuecheng"),
    Role.CONSTRUCTION_AUTHORITY: Principal(Role.CONSTRUCTION_AUTHORITY, org="yc-construction", area="yuecheng"),
    Role.HR_BUREAU: Principal(Role.HR_BUREAU, org="yc-hr", area="yuecheng"),
    Role.CITY_HR_BUREAU: Principal(Role.CITY_HR_BUREAU, org="sx-city-hr", area="city"),
    Role.AUDITOR: Principal(Role.AUDITOR, org="audit"),
    Role.SYSTEM: Principal(Role.SYSTEM, org="zhicheng"),
}
OUTSIDE = {
    Role.APPLICANT: Principal(Role.APPLICANT, person_ref="person-2"),
    Role.UNIT: Principal(Role.UNIT, org="unit-kq-9", area="yuecheng"),
    Role.CONSTRUCTION_AUTHORITY: Principal(Role.CONSTRUCTION_AUTHORITY, org="kq-construction", area="keqiao"),
    Role.HR_BUREAU: Principal(Role.HR_BUREAU, org="kq-hr", area="keqiao"),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", sorted(PERMISSIONS))
def test_each_role_may_take_exactly_its_actions_on_a_case_in_its_scope(role, action):
    if action in EXPECTED[role]:
        authorize(INSIDE[role], action, TARGET)
    else:
        with pytest.raises(Forbidden) as refused:
            authorize(INSIDE[role], action, TARGET)
        assert refused.value.code == "ROLE_NOT_ALLOWED" and refused.value.status == 403


@pytest.mark.parametrize("role", sorted(OUTSIDE))
def test_no_role_with_a_limited_scope_reaches_outside_it(role):
    for action in EXPECTED[role]:
        with pytest.raises(Forbidden) as refused:
            authorize(OUTSIDE[role], action, TARGET)
        assert refused.value.code == "OUT_OF_SCOPE" and refused.value.message_zh and refused.value.message_en


def test_every_command_names_an_action_of_the_table():
    assert {command.action for command in ALL_COMMANDS} <= set(PERMISSIONS)


def test_the_auditor_reads_everything_and_changes_nothing():
    auditor = INSIDE[Role.AUDITOR]
    for area in ("city", "keqiao", "xinchang"):
        authorize(auditor, "read", Scope(unit_org="x", area=area))
    authorize(auditor, "export_roster", None)
    assert EXPECTED[Role.AUDITOR] <= READ_ONLY_ACTIONS
    for command in ALL_COMMANDS:
        with pytest.raises(Forbidden):
            authorize(auditor, command.action, TARGET)


def test_the_unit_sees_only_its_own_applicants_cases():
    case = Story(summary(unit_id="unit-yc-1")).case
    authorize(INSIDE[Role.UNIT], "unit_pass", case)
    with pytest.raises(Forbidden):
        authorize(Principal(Role.UNIT, org="unit-yc-2", area="yuecheng"), "read", case)


def test_departments_see_only_their_areas_cases_and_the_city_sees_all():
    case = Story(summary(area="yuecheng")).case
    authorize(INSIDE[Role.HR_BUREAU], "read", case)
    authorize(INSIDE[Role.CITY_HR_BUREAU], "read", case)
    with pytest.raises(Forbidden):
        authorize(OUTSIDE[Role.CONSTRUCTION_AUTHORITY], "department_pass", case)


def test_the_merged_city_roster_is_only_for_the_city_and_the_auditor():
    authorize(INSIDE[Role.CITY_HR_BUREAU], "export_roster", None)
    authorize(INSIDE[Role.HR_BUREAU], "export_roster", Scope(area="yuecheng"))
    with pytest.raises(Forbidden):
        authorize(INSIDE[Role.HR_BUREAU], "export_roster", None)


def test_an_applicant_changes_only_their_own_archive():
    from datetime import date
    entry = ArchiveEntry("e-1", "person-1", "unit-yc-1", "某大桥设计", date(2019, 5, 1), "project")
    authorize(INSIDE[Role.APPLICANT], "add_archive_entry", entry.scope)
    with pytest.raises(Forbidden):
        authorize(OUTSIDE[Role.APPLICANT], "add_archive_entry", entry.scope)
    authorize(INSIDE[Role.UNIT], "approve_archive_entry", entry.scope)


def test_an_unknown_action_is_a_programming_error():
    with pytest.raises(ValueError):
        authorize(INSIDE[Role.AUDITOR], "delete_everything", TARGET)


def test_a_principal_acts_under_its_own_identity():
    actor = Principal(Role.UNIT, org="unit-yc-1", user="li").actor()
    assert (actor.role, actor.organisation, actor.user) == (Role.UNIT, "unit-yc-1", "li")
