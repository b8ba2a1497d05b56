"""A rule is a small named object that says whether it is broken and why (STYLE 4).

`check` is pure: the application and the plan in, one RuleResult out. Inputs hold only
JSON-friendly values (str, int, bool, list) so the event serialises without custom encoders.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from contracts.application import Application
from contracts.events import RuleResult
from contracts.plan import Plan

ZH_SEP, EN_SEP = "；", "; "


class Rule(ABC):
    code: ClassVar[str]
    description: ClassVar[str]  # one line, for the registry and the docs

    @abstractmethod
    def check(self, application: Application, plan: Plan) -> RuleResult: ...

    def result(self, passed: bool, inputs: dict[str, object], threshold: str,
               zh: str | list[str], en: str | list[str]) -> RuleResult:
        """Build this rule's result; lists of reasons are joined in each language."""
        return RuleResult(
            code=self.code, passed=passed, inputs=inputs, threshold=threshold,
            message_zh=zh if isinstance(zh, str) else ZH_SEP.join(zh),
            message_en=en if isinstance(en, str) else EN_SEP.join(en),
        )


def iso(value) -> str | None:
    """A date as ISO text for `inputs`; None stays None."""
    return value.isoformat() if value is not None else None
