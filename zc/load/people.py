"""The season's applicants: a realistic mix of routes, areas, units and specialties, ~20 % who fail
the rules and ~10 % whose unit returns the filing once. Each has their own ID number, phone and
token (many principals), and what should become of their filing is known up front."""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from enum import StrEnum

from stdnum.cn import ric, uscc

from contracts.envelope import Role
from contracts.plan import load_plan
from plumbing.edges.dev_issuer import dev_token
from services.intake.domain.identity import person_ref
from zc import samples

PLAN = load_plan("shaoxing-2020")
AREAS = [u.area for u in PLAN.receiving_units]
ROUTES = {"normal": 0.7, "transfer": 0.12, "landmark": 0.06, "skill_talent": 0.06, "public_institution": 0.06}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英伟洋静磊丽强军敏平刚杰涛明超华芳娟勇艳"


class Fate(StrEnum):
    PASSES = "passes"          # eligible; the unit passes it
    INELIGIBLE = "ineligible"  # fails a rule; the unit does not pass it
    RETURNED = "returned"      # eligible; the unit returns it once, the applicant resubmits, it passes

    def expected_sms(self) -> list[str]:
        """The applicant's SMS templates, in order, once each."""
        return {Fate.PASSES: ["passed_unit"], Fate.INELIGIBLE: ["eligibility_ineligible", "not_passed"],
                Fate.RETURNED: ["application_returned", "passed_unit"]}[self]

    def expected_events(self) -> dict[str, int]:
        """Each service's events for the application once the unit has acted, and how many of each
        (one per revision where the filing goes round again: eligibility reassesses, review reopens)."""
        filed = {"ApplicationSubmitted": 1, "EligibilityAssessed": 1, "CaseOpened": 1}
        return {Fate.PASSES: {**filed, "UnitApproved": 1}, Fate.INELIGIBLE: {**filed, "UnitRejected": 1},
                Fate.RETURNED: {**filed, "Returned": 1, "ApplicationResubmitted": 1, "EligibilityAssessed": 2,
                                "CaseOpened": 2, "UnitApproved": 1}}[self]

    def expected_stage(self) -> tuple[str, int]:
        """The case's stage and revision once the unit has acted."""
        return {Fate.PASSES: ("awaiting_notice", 1), Fate.INELIGIBLE: ("closed_rejected", 1),
                Fate.RETURNED: ("awaiting_notice", 2)}[self]


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    credit_code: str
    area: str
    kind: str

    def token(self) -> str:
        return dev_token(Role.UNIT, org=self.unit_id, area=self.area, name="人事经办人")


@dataclass
class Filing:
    application_id: uuid.UUID
    fate: Fate
    unit: Unit
    id_number: str
    body: dict  # intake's request body, without the photo; it cites `archive` by entry id
    token: str
    archive: list[dict]  # the entries to add to the applicant's archive (review) and have the unit approve

    def archive_entries(self) -> list[dict]:
        """`POST {review}/archive` bodies for every achievement the filing cites."""
        return [{"entry_id": a["entry_id"], "unit_id": self.unit.unit_id, "title": a["title"],
                 "achieved_on": a["achieved_on"]} for a in self.archive]


def units(count: int, rng: random.Random) -> list[Unit]:
    out = []
    for i in range(count):
        area = AREAS[i % len(AREAS)]
        kind = ("state_enterprise", "private_enterprise")[i % 2]  # public institutions: their own route
        first17 = f"913306{i:02d}MA{rng.randrange(16**7):07X}"[:17]
        code = first17 + uscc.calc_check_digit(first17)
        out.append(Unit(f"u-bench-{i:03d}", f"绍兴第{i + 1}建设工程有限公司", code, area, kind))
    return out


def _id_number(rng: random.Random) -> str:
    first17 = f"330602{rng.randint(1962, 1975)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randrange(1000):03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


_BUILDERS = {"normal": samples.normal_applicant, "transfer": samples.transfer_applicant,
             "landmark": samples.landmark_applicant, "skill_talent": samples.skill_talent_applicant,
             "public_institution": samples.public_institution_applicant}
_TEMPLATES = {route: build().model_dump(mode="json") for route, build in _BUILDERS.items()}


def _fail_a_rule(data: dict, rng: random.Random) -> None:
    if rng.random() < 0.5:  # 2019 industry public hours below 12
        data["continuing_education"][-1] = {**data["continuing_education"][-1], "industry_public_hours": 10}
    else:  # a paper in a journal the plan names as fraudulent
        data["papers"] = [{"title": "智慧工地管理探讨", "journal": "建筑学研究前沿（中文版）", "published_on": "2019-11-01"}]


def filing(rng: random.Random, unit: Unit, person_secret: str) -> Filing:
    route = rng.choices(list(ROUTES), weights=list(ROUTES.values()))[0]
    draw = rng.random()
    fate = Fate.INELIGIBLE if draw < 0.2 else Fate.RETURNED if draw < 0.3 else Fate.PASSES
    data = {k: v for k, v in _TEMPLATES[route].items() if k not in {"applicant", "photo", "submitted_at", "revision"}}
    data = {**data, "specialty": rng.choice(PLAN.reviewable_specialties)}
    data["unit"] = {**data["unit"], "unit_id": unit.unit_id, "name": unit.name, "credit_code": unit.credit_code,
                    "area": unit.area, "kind": unit.kind if route != "public_institution" else "public_institution"}
    data["social_insurance"] = {**data["social_insurance"], "paying_unit_credit_code": unit.credit_code}
    data["affiliation"] = {k: unit.credit_code if k.endswith("credit_code") else v for k, v in data["affiliation"].items()}
    data["continuing_education"] = [dict(c) for c in data["continuing_education"]]
    if fate is Fate.INELIGIBLE:
        _fail_a_rule(data, rng)
    application_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    # At least one cited achievement, each an archive entry of this applicant (ids unique per filing).
    cited = data["achievements"][:rng.randint(1, min(len(data["achievements"]), PLAN.max_cited_achievements))]
    data["achievements"] = [{**a, "entry_id": f"ach-{application_id.hex[:20]}-{k}", "approved_by_unit": True}
                            for k, a in enumerate(cited)]
    id_number = _id_number(rng)
    name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
    data["application_id"] = str(application_id)
    data["applicant"] = {"name": name, "id_number": id_number, "phone": f"13{rng.randrange(10**9):09d}"}
    token = dev_token(Role.APPLICANT, name=name, person_ref=person_ref(id_number, person_secret))
    return Filing(application_id, fate, unit, id_number, data, token, data["achievements"])
