"""`zc notify status APP_ID [--url URL]`: what notify sent about one application, to whom and when.

Reads notify's GET /notifications/{application_id}. Recipients are shown masked, as notify keeps
them. Exit codes: 0 shown (also when nothing was sent yet), 2 notify unreachable or bad input.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import typer
from rich.console import Console
from rich.table import Table

from plumbing.settings import service_url
from zc.contacts_cmd import list_contacts, set_contact
from plumbing.settings import ProcessSettings

app = typer.Typer(help="短信通知 / 12333 notifications", no_args_is_help=True)
app.command("contact")(set_contact)
app.command("contacts")(list_contacts)
DEFAULT_URL = service_url("notify")  # ZC_NOTIFY_PORT, as the stack `make up` started
TZ = ZoneInfo("Asia/Shanghai")  # the plan's zone; times are shown as the people concerned read them


def _local(moment: str | None) -> str:
    return datetime.fromisoformat(moment).astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def _fail(zh: str, en: str) -> typer.Exit:
    typer.echo(f"错误：{zh}\nerror: {en}", err=True)
    return typer.Exit(2)


def _table(application_id: str, body: dict) -> Table:
    table = Table(title=f"12333 短信 / notifications for {application_id}")
    for column in ("template", "recipient", "status", "attempts", "sent at", "note"):
        table.add_column(column)
    for d in body.get("deliveries", []):
        status, note = _shown(d)
        table.add_row(d["template"], d["recipient_masked"], status, str(d["attempts"]), _local(d["sent_at"]), note)
    planned = {d["template"] for d in body.get("deliveries", [])}
    for f in body.get("failures", []):
        if f["template"] not in planned:  # failed before a delivery existed (no usable number)
            table.add_row(f["template"], f["recipient_masked"] or "-", "failed", "0", "-", f["reason"] or "")
    return table


def _shown(d: dict) -> tuple[str, str]:
    """A delivery's status as an operator must read it, and the note beside it."""
    if d["status"] == "sent" and d.get("recorded_only"):
        # The development stub accepts a message and sends it to nobody: never shown as "sent".
        return "recorded, not sent", "development SMS stub (ZC_SMS_GATEWAY=record)"
    if d["status"] == "sent":
        return "sent", f"message id {d['provider_message_id']}" if d.get("provider_message_id") else ""
    if d["status"] == "unknown":  # the platform never said: an operator checks, then may send it again
        return "UNKNOWN", f"{d.get('last_error') or ''}; after checking: zc sms resend {d.get('notification_id')}"
    if d["status"] in ("sending", "checking"):
        return "checking", d.get("last_error") or "no answer yet: asking the platform"
    return d["status"], d.get("last_error") or ""


def _auditor() -> dict:
    """ZC_TOKEN if given, else an auditor's token signed locally by the development issuer (like `zc token`)."""
    import os

    from contracts.envelope import Role
    from plumbing.edges.dev_issuer import dev_token

    token = ProcessSettings.current().token or dev_token(Role.AUDITOR, name="zc-notify")
    return {"Authorization": f"Bearer {token}"}


@app.command()
def status(application_id: str = typer.Argument(..., help="the application id (UUID)"),
           url: str = typer.Option(DEFAULT_URL, help="notify's base URL"),
           as_json: bool = typer.Option(False, "--json", help="notify's answer as JSON instead of the table")) -> None:
    """List every SMS planned for an application: template, recipient (masked), status, attempts, time."""
    try:
        app_id = str(uuid.UUID(application_id))
    except ValueError:
        raise _fail(f"申报编号格式不正确：{application_id}", f"not an application id: {application_id}") from None
    try:
        response = httpx.get(f"{url.rstrip('/')}/notifications/{app_id}", timeout=10, headers=_auditor())
    except httpx.HTTPError as exc:
        raise _fail(f"无法连接通知服务 {url}", f"notify is unreachable at {url}: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise _fail(f"通知服务返回 {response.status_code}", f"notify answered {response.status_code}: {response.text[:200]}")
    body = response.json()
    if as_json:
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    console = Console(width=160)
    if not body.get("deliveries") and not body.get("failures"):
        console.print(f"暂无短信记录 / no notifications for {app_id}")
        return
    console.print(_table(app_id, body))
