"""`zc eligibility check FILE.json [--plan PLAN]`: run the pure rules on one application.

Exit codes: 0 eligible (interview or not), 1 ineligible, 2 bad input (bilingual message on stderr).
"""
from __future__ import annotations

import sys
from pathlib import Path

import typer
from pydantic import ValidationError

from contracts.application import Application
from contracts.errors import InvalidInput
from contracts.events import Outcome
from contracts.plan import PLANS_DIR, Plan, PlanError, load_plan
from services.eligibility.domain import assess

app = typer.Typer(help="资格审查 / eligibility checks", no_args_is_help=True)

EXIT_ELIGIBLE, EXIT_INELIGIBLE, EXIT_BAD_INPUT = 0, 1, 2


def _refuse(zh: str, en: str) -> typer.Exit:
    typer.echo(f"错误：{zh}\nerror: {en}", err=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _plan_for(application: Application, plan: str | None) -> Plan:
    """The named plan, or the plan file whose plan_id the application names."""
    if plan:
        return load_plan(plan)
    for path in sorted(PLANS_DIR.glob("*.json")):
        candidate = load_plan(str(path))
        if candidate.plan_id == application.plan_id:
            return candidate
    raise PlanError(f"no plan file with plan_id {application.plan_id!r} in {PLANS_DIR}")


@app.command()
def check(file: Path = typer.Argument(..., help="Application JSON (contracts.application)"),
          plan: str = typer.Option(None, help="plan name in contracts/plans or a path; "
                                              "default: the plan the application names")) -> None:
    """Assess one application and print EligibilityAssessed as JSON."""
    try:
        application = Application.model_validate_json(file.read_bytes())
        result = assess(application, _plan_for(application, plan))
    except OSError as exc:
        raise _refuse(f"无法读取文件 {file}", f"cannot read {file}: {exc.strerror}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}"
                             for e in exc.errors()[:10])
        raise _refuse(f"申报数据格式不正确：{problems}", f"invalid application: {problems}") from None
    except PlanError as exc:
        raise _refuse(f"评审计划不可用：{exc}", f"unusable plan: {exc}") from None
    except InvalidInput as exc:
        raise _refuse(exc.message_zh, exc.message_en) from None
    # Raw UTF-8 so Chinese stays readable whatever the terminal's locale.
    sys.stdout.buffer.write(result.model_dump_json(indent=2).encode("utf-8") + b"\n")
    sys.stdout.flush()
    raise typer.Exit(EXIT_INELIGIBLE if result.outcome == Outcome.INELIGIBLE else EXIT_ELIGIBLE)
