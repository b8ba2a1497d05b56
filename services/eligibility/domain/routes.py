"""Which routes qualify, and which one the application goes through.

Choice (the notice asks for "at least one of (3)(4)(5), or (6)"): an application is eligible on
routes when ANY route qualifies. The route used is the declared one when it qualifies; otherwise
the first qualifying route in `FALLBACK_ORDER` (routes without an interview first, then the
roster order). The interview requirement follows the route used, not the declared one: a
declared transfer applicant who in fact has 5 years as 高级工程师 needs no interview.
`qualifying_routes` lists the route used first, then the others in `FALLBACK_ORDER`; `routes`
reports every route, in the roster's order, with why it does or does not qualify.

Route evidence: the transfer, landmark and skill-talent routes qualify only with their evidence
uploaded (附件1 二.3), so the route used always has its evidence. A skill talent files as 正常申报
(附件1 二.3(3)) but is ranked as 技能人才 (附件3 一.1): a declared normal applicant whose skill-talent
route qualifies uses that route.
"""
from __future__ import annotations

from dataclasses import dataclass

from contracts.application import Application, AttachmentKind, Route
from contracts.events import RouteResult, RuleResult
from contracts.plan import Plan

from .rules import ROUTE_RULES

FALLBACK_ORDER = (Route.NORMAL, Route.SKILL_TALENT, Route.TRANSFER, Route.LANDMARK)
INTERVIEW_ROUTES = frozenset({Route.TRANSFER, Route.LANDMARK})
ROUTE_EVIDENCE = {Route.TRANSFER: (AttachmentKind.TRANSFER_EVIDENCE, "转评佐证材料"),
                  Route.LANDMARK: (AttachmentKind.LANDMARK_EVIDENCE, "标志性业绩佐证材料"),
                  Route.SKILL_TALENT: (AttachmentKind.SKILL_EVIDENCE, "技能人才佐证材料")}
ROUTE_ZH = {Route.NORMAL: "正常申报", Route.TRANSFER: "转评", Route.LANDMARK: "标志性业绩",
            Route.SKILL_TALENT: "技能人才"}


@dataclass(frozen=True)
class RouteDecision:
    declared: Route
    results: dict[Route, RuleResult]
    qualifying: list[Route]  # the route used first
    used: Route | None

    @property
    def interview_required(self) -> bool:
        return self.used in INTERVIEW_ROUTES

    def route_results(self) -> list[RouteResult]:
        return [RouteResult(route=r, qualifies=self.results[r].passed,
                            message_zh=f"{ROUTE_ZH[r]}：{self.results[r].message_zh}",
                            message_en=f"{r.value}: {self.results[r].message_en}")
                for r in Route]  # roster order

    def rule_result(self) -> RuleResult:
        """The route's line in `rules`: the route used, or the declared route that failed."""
        if self.used is None or self.used == self.declared:
            return self.results[self.used or self.declared]
        used = self.results[self.used]
        return used.model_copy(update={
            "message_zh": f"申报类别“{ROUTE_ZH[self.declared]}”不符合条件，按“{ROUTE_ZH[self.used]}”"
                          f"认定：{used.message_zh}",
            "message_en": f"declared route {self.declared.value} does not qualify; eligible through "
                          f"the {self.used.value} route: {used.message_en}"})


def _with_evidence(route: Route, result: RuleResult, application: Application) -> RuleResult:
    if not result.passed or route not in ROUTE_EVIDENCE:
        return result
    kind, zh = ROUTE_EVIDENCE[route]
    if any(a.kind == kind for a in application.attachments):
        return result
    return result.model_copy(update={
        "passed": False, "inputs": {**result.inputs, "evidence": None},
        "message_zh": f"{result.message_zh}，但未上传{zh}", "message_en": f"{result.message_en}, but no {kind.value}"})


def decide_route(application: Application, plan: Plan) -> RouteDecision:
    results = {route: _with_evidence(route, rule.check(application, plan), application)
               for route, rule in ROUTE_RULES.items()}
    passing = [r for r in FALLBACK_ORDER if results[r].passed]
    declared = application.route
    if declared == Route.NORMAL and Route.SKILL_TALENT in passing:
        used = Route.SKILL_TALENT  # files as 正常申报, listed as 技能人才
    else:
        used = declared if declared in passing else (passing[0] if passing else None)
    qualifying = ([used] if used else []) + [r for r in passing if r != used]
    return RouteDecision(declared=declared, results=results, qualifying=qualifying, used=used)
