"""Run the demo season against the stack `make up` started, then print what happened."""
from __future__ import annotations

import asyncio
import sys
from urllib.parse import urlsplit

import httpx
from rich.console import Console
from rich.table import Table

from plumbing.settings import database_url, kafka_bootstrap
from zc.demo.client import ROOT, get, travel, until, url
from zc.demo.season import CITY, Season, unit_auth
from plumbing.settings import AuditSettings

console = Console(width=None if sys.stdout.isatty() else 150)
STAGE_ZH = {"forwarded": "已报送省评委会", "closed_rejected": "审查不通过", "closed_interview_failed": "面试未通过",
            "returned": "退回修改", "at_unit": "待单位审查", "closed_overdue": "逾期未审核（截止后由系统关闭）"}
EXPORTS = ROOT / "reports" / "demo"


async def save_exports(client: httpx.AsyncClient, season: Season) -> list[str]:
    EXPORTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for fmt in ("csv", "xlsx"):
        response = await client.get(f"{url('review')}/exports/roster", params={"format": fmt}, headers=CITY)
        response.raise_for_status()
        (EXPORTS / f"roster-city.{fmt}").write_bytes(response.content)
        saved.append(str(EXPORTS / f"roster-city.{fmt}"))
    for p in {p.application.unit.unit_id: p for p in season.people}.values():
        response = await client.get(f"{url('review')}/exports/public-notice",
                                    params={"unit_id": p.application.unit.unit_id, "format": "xlsx"}, headers=unit_auth(p))
        if response.status_code == 200:
            path = EXPORTS / f"public-notice-{p.application.unit.unit_id}.xlsx"
            path.write_bytes(response.content)
            saved.append(str(path))
    return saved


async def sms_of(client: httpx.AsyncClient, season: Season) -> dict[str, list[dict]]:
    out = {}
    for p in season.people:
        async def settled():
            status = await get(client, "notify", f"/notifications/{season.id(p)}")
            rows = (status or {}).get("deliveries", [])
            # Some people get no SMS at all (周强's unit never acted): an empty list is an answer too.
            return (rows,) if status is not None and all(r["status"] != "pending" for r in rows) else None
        out[p.name] = (await until(settled, timeout=60, what=f"SMS of {p.name}"))[0]
    return out


def report(season: Season, finals: dict, sms: dict, reminders: list[dict], exports: list[str]) -> None:
    table = Table(title="2020年度正高工评审演示 / demo season", show_lines=True)
    for column in ("申报人", "情形", "资格审查 / eligibility", "最终状态 / final stage", "短信"):
        table.add_column(column)
    for p in season.people:
        a = season.assessments[p.name]
        reasons = "；".join(r["message_zh"] for r in a["rules"] if not r["passed"]) or "全部规则通过"
        stage = finals[p.name]
        table.add_row(p.name, p.story, f"{a['outcome']}\n{reasons}", f"{stage}\n{STAGE_ZH.get(stage, '')}",
                      str(len(sms[p.name])))
    console.print(table)
    texts = Table(title="本季发送的12333短信 / the SMS the season sent", show_lines=False)
    for column in ("申报人 / 收件单位", "收件号码", "状态", "短信内容"):
        texts.add_column(column)
    for name, rows in sms.items():
        for row in rows:
            texts.add_row(name, row["recipient_masked"], row["status"], row["text"])
    for reminder in reminders:
        texts.add_row(reminder["org_id"], reminder.get("recipient_masked") or "-", reminder["status"] or "-",
                      reminder.get("text") or reminder.get("failure") or "")
    console.print(texts)
    console.print(f"[bold]异议未核实不能报送 / an objection holds a case[/bold]: {season.objection}")
    console.print(f"[bold]逾期审核 / late decision after the sweep[/bold]: {season.refusal}")
    console.print("\n[bold]导出 / exports[/bold]: " + ", ".join(exports))
    console.print("[bold]API 文档 / API docs[/bold]: " + "  ".join(f"{s} {url(s)}/docs" for s in
                                                                  ("intake", "eligibility", "review", "notify")))
    console.print(f"Kafka {kafka_bootstrap()} (topics zc.*.v1) · PostgreSQL {urlsplit(database_url()).hostname}:{urlsplit(database_url()).port} "
                  "(zc_intake, zc_eligibility, zc_review, zc_notify) · metrics: "
                  + "  ".join(f"{url(s)}/metrics" for s in ("intake", "eligibility", "review", "notify"))
                  + " · `make down` stops everything")


async def main() -> int:
    async with httpx.AsyncClient(timeout=30) as client:
        season = Season(client, lambda text: console.print(f"  • {text}"))
        console.rule("[bold]zhicheng demo season (season clock 2020-08-10 09:00, Asia/Shanghai)")
        travel("2020-08-10T09:00:00+08:00")
        await season.run()
        finals = {p.name: (await season.case(p)).get("stage", "?") for p in season.people}
        sms = await sms_of(client, season)
        exports = await save_exports(client, season)
        reminders = (await get(client, "notify", "/reminders?limit=500") or {}).get("reminders", [])
    report(season, finals, sms, reminders, exports)
    return await audit(season)


async def audit(season: Season) -> int:
    """What an auditor sees: one applicant's timeline, then every service's log verified against its
    signed checkpoints and the audit topic (README "Auditing a dispute")."""
    from zc import audit_cmd, audit_timeline

    person = next((p for p in season.people if p.fix), season.people[0])  # returned, corrected, resubmitted
    console.rule(f"[bold]审计 / auditing: {person.name}'s application, as `zc audit timeline` shows it")
    app_id = person.application.application_id
    parts = await asyncio.to_thread(audit_cmd.fetch_parts, app_id, list(audit_cmd.SERVICES),
                                    audit_cmd.auditor_token("demo-auditor"))
    console.print(audit_cmd.timeline_table(app_id, audit_timeline.merge(parts)))
    keys = audit_cmd.public_keys(None) if AuditSettings.current().audit_public_keys else dev_keys()
    services = list(audit_cmd.SERVICES)
    for _ in range(60):  # the services sign a checkpoint every 5 s under `make up`
        results = await audit_cmd.verify_services(services, keys, lambda s: audit_cmd.database_of(s, None))
        if all(summary["checkpoints"] and not found and not summary["pending"] for _s, found, summary in results):
            break
        await asyncio.sleep(1)
    console.rule("[bold]`zc audit verify`: signed checkpoints and the audit topic against each database")
    audit_cmd.print_results(results)
    return 1 if any(found for _s, found, _summary in results) else 0


def dev_keys() -> dict[str, str]:
    from plumbing.core import witness

    return {s: witness.public_b64(witness.private_key(witness.dev_seed(s)))
            for s in ("intake", "eligibility", "review", "notify")}


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
