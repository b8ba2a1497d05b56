"""Issue 11's "Done when": after a (small) season through the four running services, a scan of every
topic and every table finds no name, phone, ID number or birth date in clear.

The season runs on a stack of its own (its own topic prefix, databases and ports: conftest's
`Stack(tag=...)`), because other end-to-end modules publish forged events with names into the
session's topics; everything scanned here was written by this season. It has: units authorised
(one unit's operator replaced by another), filings on four routes at two units, a unit pass, a
return and a resubmission, a unit's "not passed", the public notice started, deadline reminders to
the units (notify runs on the reminder day), and an applicant erased before the unit acts on her
case. The scanner (tests/personal_data_scan.py) is proven able to fail by
tests/unit/test_personal_data_scan.py.

Every token carries a real display name (applicants their own, staff theirs: the `name` claim a
login platform gives), so a name copied from a token into an event would be found. Every record of
every topic is read with its key, value (the envelope) and headers, and every row of every table as
text (every text and jsonb column).

Where personal data lives by design (ARCHITECTURE.md "Personal data") the scan expects it, and only
there: the compacted personal-data topics, the readers' `personal_data` tables, notify's SMS rows
(`deliveries`, the recording gateway's `sms_log`), the not-yet-published `personal_outbox` and (staff
names only) review's `staff_directory`.
Of an erased person (the erased applicant, the replaced operator) nothing is left anywhere, those
places included, once the personal-data topic is compacted.
"""
from __future__ import annotations

import re

import asyncpg
import httpx
import pytest
from stdnum.cn import ric

from contracts import topics
from contracts.envelope import Role
from plumbing import clock
from plumbing.settings import with_database
from services.intake.domain.validation import person_ref
from services.notify.templates import read_department_contacts
from tests.conftest import DATABASE_URL
from tests.e2e.api import (PERSON_SECRET, applicant_token, get_json, submit_body, token, with_approved_archive,
                           with_new_id)
from tests.e2e.conftest import Stack, running
from tests.e2e.kafka_reads import raw_records, topic_names
from tests.e2e.season import OnStack
from tests.fixtures.builders import (change_in, landmark_applicant, normal_applicant, skill_talent_applicant,
                                     transfer_applicant)
from tests.personal_data_scan import Person, scan

SERVICES = ("intake", "eligibility", "review", "notify")
CITY_UNIT, KQ_UNIT = "u-sx-pdscan", "u-kq-pdscan"
# Staff act with their real names in their tokens: only review's staff directory may keep them.
STAFF = {"city": Person("令狐振华", ""), CITY_UNIT: Person("尉迟春燕", ""), KQ_UNIT: Person("澹台志远", "")}
CITY_HR = token(Role.CITY_HR_BUREAU, org="sx-city-hr", area="city", user=STAFF["city"].name)
UNITS = {CITY_UNIT: token(Role.UNIT, org=CITY_UNIT, area="city", user=STAFF[CITY_UNIT].name),
         KQ_UNIT: token(Role.UNIT, org=KQ_UNIT, area="keqiao", user=STAFF[KQ_UNIT].name)}
OPINION = {"opinion": "材料真实完整，同意推荐"}
RETURN = {"reason": "继续教育证明不完整", "sections": [{"section": "ce_certificates", "reason": "缺少2019年继续教育证书"}]}


def _id_number(region: str, born: str, sequence: str) -> str:
    first17 = f"{region}{born}{sequence}"
    return first17 + ric.calc_check_digit(first17 + "0")


# Names unlikely to occur by chance in any other text; each person with a phone and birth date of their own.
APPLICANTS = {
    "N": Person("欧阳素芬", "13912340001", _id_number("330602", "19680214", "315")),
    "T": Person("上官明哲", "13812340002", _id_number("330602", "19720911", "427")),
    "L": Person("诸葛文清", "15012340003", _id_number("330621", "19750630", "538")),
    "S": Person("司马晓东", "18612340004", _id_number("330621", "19690127", "649")),  # erased
}
ERASED_APPLICANT = "S"
# The archive helper authorises each unit with its standard operator first (tests/e2e/api.py).
STANDARD_OPERATOR = Person("人事经办人", "13905759999")
REPLACED_OPERATOR = Person("慕容秋实", "13657500011")  # the city unit's first operator: replaced (erased)
OPERATORS = {CITY_UNIT: Person("皇甫雅琴", "13657500012"), KQ_UNIT: Person("东方海燕", "13657500013")}
EVERYONE = [*APPLICANTS.values(), STANDARD_OPERATOR, REPLACED_OPERATOR, *OPERATORS.values()]
# Erased: the applicant, and every operator another one replaced (the standard one at both units).
GONE = [APPLICANTS[ERASED_APPLICANT], REPLACED_OPERATOR, STANDARD_OPERATOR]

# Departments' office numbers (operator data, services/notify/templates/department_contacts.json): no event
# carries them (DeadlineApproaching v2 names the department only); notify's directory (`contacts`) has them.
OFFICES = [Person("", phone.replace("-", "")) for phone in sorted(
    {e["phone"] for e in read_department_contacts().values() if isinstance(e, dict) and e.get("phone")})]

# Tables where current personal data lives by design, and which erasure reaches.
BY_DESIGN = {"personal_data", "deliveries", "sms_log", "personal_outbox"}
SEASON_EVENTS = {"UnitAuthorized", "ApplicationSubmitted", "ApplicationResubmitted", "EligibilityAssessed",
                 "CaseOpened", "UnitApproved", "PublicNoticeStarted", "Returned", "UnitRejected",
                 "DeadlineApproaching", "PersonErased", "NotificationSent", "NotificationFailed"}
UNIT_REMINDER_DAY = "2020-08-17T10:00:00+08:00"  # 3 working days before the unit deadline (08-20)


@pytest.fixture(scope="module")
def season_stack():
    s = Stack(tag="pd")
    s.env["ZC_NOTIFY_REMINDER_INTERVAL_SECONDS"] = "1"
    s.clock_of["notify"] = {"ZC_CLOCK_OFFSET_SECONDS": str(clock.offset_for(UNIT_REMINDER_DAY))}  # reminds units
    with running(s):
        yield s


def _apps():
    def at(app, unit, area, name):
        return change_in(with_new_id(app), "unit", unit_id=unit, name=name, area=area)
    city, kq = "绍兴市扫描测试建设有限公司", "绍兴柯桥扫描测试建设有限公司"
    return {"N": at(normal_applicant(), CITY_UNIT, "city", city),
            "T": at(transfer_applicant(), CITY_UNIT, "city", city),
            "L": at(landmark_applicant(), KQ_UNIT, "keqiao", kq),
            "S": at(skill_talent_applicant(), KQ_UNIT, "keqiao", kq)}


async def _rows(stack, service: str, sql: str, *args):
    conn = await asyncpg.connect(with_database(DATABASE_URL, stack.databases[service]))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def _sms_sent_to(stack, phone: str, template: str):
    return await _rows(stack, "notify", "SELECT 1 FROM deliveries WHERE status = 'sent' AND template = $1"
                                        " AND to_e164 LIKE '%' || $2", template, phone)


class SeasonRun(OnStack):
    async def authorise(self, unit: str, unit_name: str, operator: Person) -> None:
        answer = await self.client.post(self.url("review", f"/units/{unit}/authorization"), headers=CITY_HR,
                                        json={"unit_name": unit_name, "operator_name": operator.name,
                                              "operator_phone": operator.phone})
        assert answer.status_code == 201, answer.text

    async def file(self, app, person: Person, path: str = "/applications") -> None:
        body = submit_body(app, person.id_number, name=person.name, phone=person.phone)
        answer = await self.client.post(self.url("intake", path), json=body,
                                        headers=applicant_token(person.id_number, name=person.name))
        assert answer.status_code == 201, answer.text

    async def case_at(self, app_id, stage: str, revision: int = 1) -> dict:
        async def probe():
            found = await get_json(self.client, self.url("review", f"/cases/{app_id}"))
            ok = found and found["case"]["stage"] == stage and found["case"]["revision"] == revision
            return found if ok else None
        return await self.eventually(probe)

    async def decide(self, app, decision: str, **body) -> None:
        answer = await self.client.post(self.url("review", f"/cases/{app.application_id}/{decision}"), json=body,
                                        headers=UNITS[app.unit.unit_id])
        assert answer.status_code == 200, (decision, answer.text)

    async def failure(self, app_id, template: str) -> dict:
        async def probe():
            status = await get_json(self.client, self.url("notify", f"/notifications/{app_id}"))
            return next((f for f in (status or {}).get("failures", []) if f["template"] == template), None)
        return await self.eventually(probe)


async def play_the_season(run: SeasonRun, apps: dict) -> None:
    # Archives first: the helper authorises each unit with its standard operator, so ours come after.
    for key, app in apps.items():
        apps[key] = await with_approved_archive(run.client, run.stack, app, APPLICANTS[key].id_number, run.eventually)
    await run.authorise(CITY_UNIT, apps["N"].unit.name, REPLACED_OPERATOR)
    await run.authorise(CITY_UNIT, apps["N"].unit.name, OPERATORS[CITY_UNIT])  # replaces 慕容秋实
    await run.authorise(KQ_UNIT, apps["L"].unit.name, OPERATORS[KQ_UNIT])
    for unit, operator in OPERATORS.items():  # notify found the operator's number by operator_ref
        await run.eventually(lambda o=operator: _sms_sent_to(run.stack, o.phone, "unit_authorized"))

    for key, app in apps.items():
        await run.file(app, APPLICANTS[key])
    for app in apps.values():
        await run.case_at(app.application_id, "at_unit")

    n, t, lm, s = (apps[k] for k in "NTLS")
    await run.decide(n, "unit-pass", **OPINION)
    await run.decide(n, "public-notice-start", starts_on="2020-08-10")
    await run.sms(n.application_id, "public_notice_started")
    await run.decide(t, "return", **RETURN)
    await run.sms(t.application_id, "application_returned")
    await run.file(t, APPLICANTS["T"], f"/applications/{t.application_id}/resubmissions")
    await run.case_at(t.application_id, "at_unit", revision=2)
    await run.decide(lm, "unit-not-pass", reason="代表性业绩与申报专业不符")
    await run.sms(lm.application_id, "not_passed")

    # The units are reminded (notify's clock is on the reminder day): the city unit of 上官明哲's case, the
    # Keqiao unit of 司马晓东's, each at its current operator's number, looked up when the SMS was written.
    for unit, operator in OPERATORS.items():
        await run.eventually(lambda o=operator: _sms_sent_to(run.stack, o.phone, "deadline_approaching"))

    # 司马晓东 is erased; then her unit passes her case: the SMS fails as erased, nothing is sent.
    erased = APPLICANTS[ERASED_APPLICANT]
    ref = person_ref(erased.id_number, PERSON_SECRET)
    answer = await run.client.post(run.url("intake", f"/persons/{ref}/erasure"), headers=CITY_HR,
                                   json={"requested_by": {"role": "applicant", "uid": "acc-applicant-0099"}})
    assert answer.status_code == 200, answer.text
    for service in ("notify", "review"):
        await run.eventually(lambda sv=service: _rows(run.stack, sv, "SELECT 1 FROM erased_persons"
                                                                     " WHERE person_ref = $1", ref))
    await run.decide(s, "unit-pass", **OPINION)
    assert "personal data erased" in (await run.failure(s.application_id, "passed_unit"))["reason"]


async def every_table(stack) -> list[tuple[str, str, str]]:
    """(service, table, row as text) for every row of every table of the four databases."""
    out = []
    for service in SERVICES:
        tables = await _rows(stack, service, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for table in sorted(r["tablename"] for r in tables):
            for row in await _rows(stack, service, f'SELECT t::text AS row FROM "{table}" t'):
                out.append((service, table, row["row"]))
    return out


async def every_topic(stack) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(topic, key and value as text) of every record of the stack's topics: those of the shared
    topics, and those of the personal-data topic."""
    names = await topic_names(stack.prefix)
    personal = {topics.personal_data(stack.prefix), topics.operators_data(stack.prefix)}
    assert len(names) >= 7, names  # the four services' topics, the two personal-data topics, the dead letters
    out = []
    for topic in names:
        for key, value, headers in await raw_records(topic, headers=True):
            text = " ".join(((key or b"").decode("utf-8", "replace"), (value or b"").decode("utf-8", "replace"),
                             headers))
            out.append((topic, text))
    return [(t, text) for t, text in out if t not in personal], [(t, text) for t, text in out if t in personal]


async def test_a_season_leaves_no_name_phone_id_number_or_birth_date_in_clear_in_any_topic_or_table(
        season_stack, eventually):
    async with httpx.AsyncClient(timeout=30) as client:
        await play_the_season(SeasonRun(client, season_stack, eventually), _apps())

    # intake's queue for the personal-data topic empties once published
    await eventually(lambda: _no_rows(season_stack, "intake", "personal_outbox"))
    await eventually(lambda: _no_rows(season_stack, "review", "personal_outbox"))

    shared, personal = await every_topic(season_stack)
    written = {m for _, text in shared for m in re.findall(r'"event_type": ?"(\w+)"', text)}
    assert SEASON_EVENTS <= written, SEASON_EVENTS - written  # the scan reads what the season wrote
    assert not scan(shared, EVERYONE + list(STAFF.values()))
    rows = await every_table(season_stack)
    assert {t for _, t, _ in rows} >= {"events", "outbox"}  # the stores were read
    assert len([r for r in rows if r[1] == "events"]) > 50
    kept = [(f"{service}.{table}", text) for service, table, text in rows if table not in BY_DESIGN]
    assert not scan(kept, EVERYONE)
    # staff names: in review's directory (the timeline shows them), nowhere else, no event included
    assert not scan([(w, text) for w, text in kept if w != "review.staff_directory"], list(STAFF.values()))
    assert {f.split("name ")[1] for f in scan([(w, t) for w, t in kept if w == "review.staff_directory"],
                                               list(STAFF.values()))} == {p.name for p in STAFF.values()}
    assert OFFICES and not scan(shared + [(w, text) for w, text in kept if w != "notify.contacts"], OFFICES)
    assert scan([(w, text) for w, text in kept if w == "notify.contacts"], OFFICES)  # where notify looks them up
    # the places by design do hold the current people (the scan would see them)...
    current = [p for p in EVERYONE if p not in GONE]
    designed = [(f"{service}.{table}", text) for service, table, text in rows if table in BY_DESIGN]
    assert {p.name for p in current} <= {f.split("name ")[1] for f in scan(designed, current) if "name " in f}
    # ...and nothing of the erased people, anywhere
    assert not scan(designed, GONE)
    await eventually(lambda: _compacted_away(season_stack), timeout=120, interval=2)


async def _no_rows(stack, service: str, table: str) -> bool:
    return not await _rows(stack, service, f"SELECT 1 FROM {table}")


async def _compacted_away(stack) -> bool:
    """The personal-data topic holds the current people and, once compacted, no record of the gone."""
    _shared, personal = await every_topic(stack)
    return not scan(personal, GONE)
