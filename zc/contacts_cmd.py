"""`zc notify contact ORG_ID --mobile 1XXXXXXXXXX [--name NAME] [--file PATH]`: set the duty mobile
that receives a department's deadline reminders, and `zc notify contacts` to list them.

The notice publishes landlines only (附件4), which cannot take an SMS, and no mobiles: a department's
SMS number is operator data, so it is written only where the operator's data lives: `--file` or
`ZC_NOTIFY_DEPARTMENT_CONTACTS` (the same file notify reads at start; restart notify after a
change), a new file starting from the shipped names and landlines. Never into the shipped
`services/notify/templates/department_contacts.json` or any file of the source tree: without a
place to write, the command refuses. Exit codes: 0 done, 2 bad input or no operator file.
"""
from __future__ import annotations

import json
from pathlib import Path

import typer

from contracts.personal_data import mainland_mobile, mask_phone
from contracts.plan import load_plan
from contracts.review_chain import org_names
from plumbing.settings import ProcessSettings

SHIPPED = Path(__file__).resolve().parents[1] / "services" / "notify" / "templates" / "department_contacts.json"


SOURCE_TREE = Path(__file__).resolve().parents[1]


def contacts_file(path: str | None) -> Path:
    return Path(path or ProcessSettings.current().notify_department_contacts or SHIPPED)


def operator_file(path: str | None) -> Path:
    """Where `zc notify contact` may write: the operator's file, never the project's own files."""
    given = path or ProcessSettings.current().notify_department_contacts
    if not given:
        raise _fail("请用 --file 或 ZC_NOTIFY_DEPARTMENT_CONTACTS 指定运维数据文件（不写入项目自带的文件）",
                    "say where the operator's data lives (--file or ZC_NOTIFY_DEPARTMENT_CONTACTS); the shipped "
                    "contacts file is the project's and is never written")
    target = Path(given).resolve()
    if target == SHIPPED or target.is_relative_to(SOURCE_TREE / "services") or \
            target.is_relative_to(SOURCE_TREE / "contracts") or target.is_relative_to(SOURCE_TREE / "zc"):
        raise _fail(f"不能写入项目的源文件：{target}", f"refusing to write into the source tree: {target}")
    return target


def _fail(zh: str, en: str) -> typer.Exit:
    typer.echo(f"错误：{zh}\nerror: {en}", err=True)
    return typer.Exit(2)


def set_contact(org_id: str = typer.Argument(..., help="the department's org id in the plan, e.g. kq-hr"),
                mobile: str = typer.Option(..., help="the duty mobile that receives its reminders"),
                name: str = typer.Option("", help="the name shown in the SMS (default: the plan's)"),
                file: str = typer.Option(None, help="the contacts file (default: ZC_NOTIFY_DEPARTMENT_CONTACTS)"),
                plan: str = typer.Option("shaoxing-2020", help="the plan naming the departments")) -> None:
    """Set a department's reminder mobile (operator data: the notice gives no mobile numbers)."""
    names = org_names(load_plan(plan))
    if org_id not in names:
        raise _fail(f"评审计划中没有该部门：{org_id}", f"no department {org_id} in the plan (known: {sorted(names)})")
    number = mainland_mobile(mobile)
    if number is None:
        raise _fail(f"不是可接收短信的手机号码：{mobile}", f"not a mainland mobile number that can take an SMS: {mobile}")
    path = operator_file(file)
    data = json.loads((path if path.exists() else SHIPPED).read_text(encoding="utf-8"))
    entry = data.get(org_id) if isinstance(data.get(org_id), dict) else {}
    data[org_id] = {**entry, "name": name or entry.get("name") or names[org_id], "sms_mobile": number}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    typer.echo(f"{org_id} {data[org_id]['name']}: {mask_phone(number)} → {path}（重启通知服务后生效 / restart notify）")


def list_contacts(file: str = typer.Option(None, help="the contacts file (default: ZC_NOTIFY_DEPARTMENT_CONTACTS)"),
                  plan: str = typer.Option("shaoxing-2020", help="the plan naming the departments"),
                  as_json: bool = typer.Option(False, "--json", help="one JSON document instead of the table")) -> None:
    """Each department of the plan and where its reminders go (masked), or why they cannot."""
    path = contacts_file(file)
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    rows = []
    for org_id, plan_name in sorted(org_names(load_plan(plan)).items()):
        entry = data.get(org_id) if isinstance(data.get(org_id), dict) else {}
        mobile = entry.get("sms_mobile")
        rows.append({"org_id": org_id, "name": entry.get("name") or plan_name,
                     "sms_mobile_masked": mask_phone(mobile) if mobile else None})
    if as_json:
        typer.echo(json.dumps({"file": str(path), "departments": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        where = row["sms_mobile_masked"] or "未设置值班手机，提醒无法送达 / no duty mobile: reminders fail"
        typer.echo(f"{row['org_id']}\t{row['name']}\t{where}")
