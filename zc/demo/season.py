"""The demo season, step by step, on the running stack. Each step says what it does in Chinese and
English; the summary at the end is built from what the services answered, not from assumptions."""
from __future__ import annotations

import uuid

import httpx

from contracts.envelope import Role
from contracts.plan import load_plan
from zc.demo.cast import UNITS, Person, people
from zc.demo.client import PHOTO, auth, get, post, travel, until, url

PLAN = load_plan()
LATE = "周强"  # the applicant whose unit does not act before the unit deadline
HELD = "孙丽"  # her case waits at the district HR bureau until its reminder arrives
DEMO_FEE_YUAN = 600  # the demo city HR bureau's input when it requests the fee; not a figure of the notice
CITY = auth(Role.CITY_HR_BUREAU, org=PLAN.city_hr_bureau.org_id, user="市人社专技处")


def body(p: Person, **changes) -> dict:
    data = p.application.model_dump(mode="json", exclude={"applicant", "photo", "submitted_at", "revision"})
    data.update(changes)
    data["applicant"] = {"name": p.name, "id_number": p.id_number, "phone": p.phone}
    data["photo_base64"] = PHOTO
    return data


def unit_auth(p: Person) -> dict:
    return auth(Role.UNIT, org=p.application.unit.unit_id, area=p.application.unit.area, user="人事经办人")


def department(p: Person, level: str) -> dict:
    area = p.application.unit.area
    unit = PLAN.receiving_unit(area)
    if level == "construction_authority":
        return auth(Role.CONSTRUCTION_AUTHORITY, org=unit.construction_authority.org_id, area=area, user="建设局审核员")
    if area == "city":  # city-level units: the city HR bureau is also the HR-bureau level
        return CITY
    return auth(Role.HR_BUREAU, org=unit.hr_bureau.org_id, area=area, user="人社局审核员")


class Season:
    def __init__(self, client: httpx.AsyncClient, say) -> None:
        self.c, self.say = client, say
        self.people = people()
        self.assessments: dict[str, dict] = {}

    def id(self, p: Person) -> str:
        return str(p.application.application_id)

    async def case(self, p: Person) -> dict:
        return (await get(self.c, "review", f"/cases/{self.id(p)}", unit_auth(p)) or {}).get("case") or {}

    async def decide(self, p: Person, decision: str, fields: dict, headers: dict) -> dict:
        return (await post(self.c, "review", f"/cases/{self.id(p)}/{decision}", fields, headers))["case"]

    async def authorise_units(self) -> None:
        for unit in UNITS:
            response = await self.c.post(f"{url('review')}/units/{unit['unit_id']}/authorization", headers=CITY,
                                         json={"unit_name": unit["name"], "operator_name": "人事经办人",
                                               "operator_phone": unit["phone"]})
            said = {200: "授权通过，已短信通知经办人 / authorised, operator told by SMS",
                    201: "授权通过，已短信通知经办人 / authorised, operator told by SMS",
                    409: "此前已授权 / already authorised"}.get(response.status_code, f"HTTP {response.status_code}")
            self.say(f"单位授权 {unit['name']}: {said}")
            await until(lambda: self._unit_known(unit["unit_id"]), what="intake to learn the authorised unit")

    async def _unit_known(self, unit_id: str) -> bool:
        status = await get(self.c, "intake", f"/units/{unit_id}")
        return bool(status and status["authorised"])

    async def archive(self) -> None:
        """Each applicant's cited achievements enter the archive; the unit approves them (only approved
        entries can be cited), and intake must have heard of the approval before the filing."""
        for p in self.people:
            cited = []
            for achievement in p.application.achievements:
                entry_id = f"ach-{uuid.uuid4().hex[:12]}"
                await post(self.c, "review", "/archive", {"entry_id": entry_id, "unit_id": p.application.unit.unit_id,
                                                          "title": achievement.title,
                                                          "achieved_on": achievement.achieved_on.isoformat()},
                           auth(Role.APPLICANT, user=p.name, id_number=p.id_number))
                await post(self.c, "review", f"/archive/{entry_id}/review", {"approve": True, "text": "经核实属实"},
                           unit_auth(p))
                cited.append(achievement.model_copy(update={"entry_id": entry_id}))
            p.application = p.application.model_copy(update={"achievements": cited})
            await until(lambda: self._archive_known(p, {c.entry_id for c in cited}), what="intake to learn the archive")
        self.say("业绩档案登记并经单位审核通过 / archive entries added and approved by the units")

    async def _archive_known(self, p: Person, wanted: set[str]) -> bool:
        mine = await get(self.c, "intake", "/archive", auth(Role.APPLICANT, id_number=p.id_number))
        return bool(mine) and wanted <= {e["entry_id"] for e in mine["entries"] if e["status"] == "approved"}

    async def file(self) -> None:
        for p in self.people:
            headers = {**auth(Role.APPLICANT, user=p.name, id_number=p.id_number), "Idempotency-Key": self.id(p)}
            await post(self.c, "intake", "/applications", body(p), headers)
            self.say(f"申报提交 / filed: {p.name}（{p.story}）")

    async def assessed(self, p: Person, revision: int = 1) -> dict:
        async def latest():
            found = await get(self.c, "eligibility", f"/assessments/{self.id(p)}")
            hits = [a for a in found or [] if a["payload"]["revision"] == revision]
            return hits[-1]["payload"] if hits else None
        self.assessments[p.name] = await until(latest, what=f"assessment of {p.name}")
        return self.assessments[p.name]

    async def at_stage(self, p: Person, *stages: str) -> dict:
        async def probe():
            case = await self.case(p)
            return case if case.get("stage") in stages else None
        return await until(probe, what=f"{p.name} at {stages}")

    async def unit_review(self) -> None:
        for p in self.people:
            outcome = (await self.assessed(p))["outcome"]
            await self.at_stage(p, "at_unit")
            if p.name == LATE:
                self.say(f"单位未审核 / the unit leaves it waiting: {p.name}")
                continue
            if p.fix:
                await self.decide(p, "return", {"reason": "继续教育学时不足，请补足后重新提交", "sections": [
                    {"section": "ce_certificates", "reason": "2019年度行业公需科目10学时，少于12学时"}]}, unit_auth(p))
                self.say(f"单位退回修改 / returned: {p.name}")
            elif outcome == "ineligible":
                await self.decide(p, "unit-not-pass", {"reason": "资格审查不通过：论文发表在冒名期刊"}, unit_auth(p))
                self.say(f"单位审查不通过 / not passed: {p.name}")
            else:
                await self.decide(p, "unit-pass", {"opinion": "材料真实完整，同意推荐"}, unit_auth(p))
                self.say(f"单位审查通过 / unit passed: {p.name}")

    async def resubmit(self) -> None:
        for p in (p for p in self.people if p.fix):
            await self.at_stage(p, "returned")
            await until(lambda: self._can_resubmit(p), what="intake to learn of the return")
            headers = auth(Role.APPLICANT, user=p.name, id_number=p.id_number)
            await post(self.c, "intake", f"/applications/{self.id(p)}/resubmissions", body(p, **p.fix), headers)
            self.say(f"补正后重新提交 / resubmitted: {p.name}")
            await self.assessed(p, revision=2)
            await self.at_stage(p, "at_unit")
            await self.decide(p, "unit-pass", {"opinion": "已补足学时，同意推荐"}, unit_auth(p))

    async def _can_resubmit(self, p: Person) -> bool:
        found = await get(self.c, "intake", f"/applications/{self.id(p)}",
                          auth(Role.APPLICANT, id_number=p.id_number))
        return bool(found and found.get("open_return"))

    def moving(self) -> list[Person]:
        return [p for p in self.people
                if p.name != LATE and (self.assessments[p.name]["outcome"] != "ineligible" or p.fix)]

    async def public_notice(self) -> None:
        for p in self.moving():
            await self.at_stage(p, "awaiting_notice")
            await self.decide(p, "public-notice-start", {"starts_on": "2020-08-10"}, unit_auth(p))
        self.say("公示开始（5个工作日，2020-08-10至2020-08-14）/ public notice started")
        objected = self.moving()[0]
        await self.decide(objected, "objection", {"summary": "有群众反映代表性业绩署名顺序有误"}, unit_auth(objected))
        self.say(f"公示期间收到异议，单位登记 / an objection recorded during the notice: {objected.name}")
        travel("2020-08-17T09:00:00+08:00")
        self.say("⏩ 季节时钟前进到 2020-08-17 09:00（第5个工作日已结束）/ the notice's 5th working day has ended")
        response = await self.c.post(f"{url('review')}/cases/{self.id(objected)}/public-notice-complete",
                                     json={"result": "公示期满"}, headers=unit_auth(objected))
        held = response.json()
        self.objection = f"{objected.name}: HTTP {response.status_code} {held.get('code')}: {held.get('message_zh')}"
        self.say(f"异议未核实，不能报送 / the objection holds the case: {self.objection}")
        await self.decide(objected, "objection-resolve", {"upheld": False, "finding": "经核实署名顺序与合同一致，异议不成立"},
                          unit_auth(objected))
        self.say(f"单位登记异议核实结果（不成立），短信告知申报人 / objection resolved (dismissed): {objected.name}")
        for p in self.moving():
            await self.decide(p, "public-notice-complete", {"result": "公示期满，异议已核实处理" if p is objected
                                                            else "公示期满无异议"}, unit_auth(p))
        self.say("公示期满，报送主管部门 / notices ended, forwarded")

    async def departments(self) -> None:
        for level in ("construction_authority", "hr_bureau"):
            for p in self.moving():
                if level == "hr_bureau" and p.name == HELD:
                    continue  # left waiting at the HR bureau: its deadline reminder comes later
                headers = department(p, level)
                await self.decide(p, "fee-option", {"charge": False}, headers)
                await self.decide(p, "department-pass", {"opinion": "资历、考核、学时均符合要求"}, headers)
            self.say(f"{'建设主管部门' if level == 'construction_authority' else '人力社保部门'}审查通过（不收费）")

    async def interviews(self) -> None:
        waiting = [p for p in self.moving() if (await self.case(p)).get("stage") == "interview_pending"]
        for p in waiting:
            await self.decide(p, "interview-schedule", {"at": "2020-08-18T09:00:00+08:00", "place": "市人社大楼1318室"},
                              department(p, "hr_bureau"))
        travel("2020-08-18T12:00:00+08:00")
        self.say("⏩ 季节时钟前进到 2020-08-18 12:00（面试结束）/ season clock moved past the interviews")
        for p in waiting:
            passed = p.application.route.value != "landmark"
            await self.decide(p, "interview-result", {"passed": passed, "remarks": "答辩表现良好" if passed else
                                                      "业务面试未通过：标志性业绩贡献阐述不清"}, department(p, "hr_bureau"))
            self.say(f"业务面试{'通过' if passed else '未通过'} / interview {'passed' if passed else 'failed'}: {p.name}")

    async def to_committee(self) -> None:
        for p in self.moving():
            if (await self.case(p)).get("stage") != "awaiting_recommendation":
                continue
            await self.forward_and_fee(p, due_by="2020-08-28T12:00:00+08:00", paid_at="2020-08-18T11:00:00+08:00")
        self.say("市人社局汇总报送省评委会，通知缴费并登记 / forwarded to the committee, fee requested and paid")

    async def forward_and_fee(self, p: Person, *, due_by: str, paid_at: str) -> None:
        await self.decide(p, "recommend", {"opinion": "审核推荐"}, department(p, "hr_bureau"))
        await self.decide(p, "forward", {"batch_id": "2020-SX-01"}, CITY)
        # The notice names no fee: amount and due time are what the city HR bureau sets in its request
        # (these two are the demo operator's input, not the notice's).
        await self.decide(p, "fee-request", {"amount_yuan": DEMO_FEE_YUAN, "due_by": due_by}, CITY)
        await self.decide(p, "fee-payment", {"amount_yuan": DEMO_FEE_YUAN, "paid_at": paid_at, "receipt": "demo"}, CITY)

    async def department_reminder(self) -> None:
        """A case left at the district HR bureau: its duty mobile (set with `zc notify contact`) is
        reminded before 9月19日, and the bureau then decides."""
        held = next(p for p in self.people if p.name == HELD)
        org = PLAN.receiving_unit(held.application.unit.area).hr_bureau.org_id
        travel("2020-09-16T09:00:00+08:00")
        self.say("⏩ 季节时钟前进到 2020-09-16 09:00（部门报送截止日前）/ before the departments' deadline")

        async def reminded():
            found = await get(self.c, "notify", "/reminders?limit=500") or {}
            return [r for r in found.get("reminders", []) if r["org_id"] == org and r["status"] == "sent"]
        reminder = (await until(reminded, timeout=60, what="the department's reminder"))[0]
        self.say(f"{org} 值班手机（运营方配置）收到催办短信 / department reminded: {reminder.get('recipient_masked')}")
        headers = department(held, "hr_bureau")
        await self.decide(held, "fee-option", {"charge": False}, headers)
        await self.decide(held, "department-pass", {"opinion": "资历、考核、学时均符合要求"}, headers)
        await self.forward_and_fee(held, due_by="2020-09-26T12:00:00+08:00", paid_at="2020-09-16T08:30:00+08:00")
        self.say(f"人力社保部门收到提醒后审核推荐，报送评委会 / decided after the reminder: {held.name}")

    async def late_unit(self) -> None:
        """The unit that let its case wait is reminded before the deadline; after it, the deadline
        sweep closes the case (逾期未审核) and tells the applicant and the unit; a late decision is refused."""
        late = next(p for p in self.people if p.name == LATE)

        async def reminded():
            found = await get(self.c, "notify", "/reminders?limit=500") or {}
            return [r for r in found.get("reminders", []) if r["org_id"] == late.application.unit.unit_id
                    and r["status"] == "sent"]
        reminder = (await until(reminded, timeout=60, what="the deadline reminder"))[0]
        self.say(f"截止日前{reminder['days_before']}个工作日提醒 {late.application.unit.name}"
                 f"（{reminder['waiting_cases']}件待审）/ deadline reminder sent")
        travel("2020-08-21T09:00:00+08:00")
        self.say("⏩ 季节时钟前进到 2020-08-21 09:00（单位审核截止日已过）/ past the unit deadline")
        await self.at_stage(late, "closed_overdue")  # the sweep runs every few seconds in `make up`
        self.say(f"截止日已过，逾期未审核的申报被关闭并短信告知申报人和单位 / the sweep closed {late.name}'s case")
        response = await self.c.post(f"{url('review')}/cases/{self.id(late)}/unit-pass",
                                     json={"opinion": "同意推荐"}, headers=unit_auth(late))
        refusal = response.json()
        self.refusal = f"HTTP {response.status_code} {refusal.get('code')}: {refusal.get('message_zh')}"
        self.say(f"逾期审核被拒绝 / late decision refused: {self.refusal}")

    async def run(self) -> None:
        await self.authorise_units()
        await self.archive()
        await self.file()
        await self.unit_review()
        await self.resubmit()
        await self.public_notice()
        await self.departments()
        await self.interviews()
        await self.to_committee()
        await self.late_unit()
        await self.department_reminder()
