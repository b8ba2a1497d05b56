"""`zc audit verify | keygen`: check each service's log against what it witnessed on the audit topic.

`verify` reads the audit topic as the `auditor` Kafka principal and each service's database on
DATABASE_URL (`zc_<service>`, or one database with --dsn), and checks every checkpoint's signature
with the public keys given to it (ZC_AUDIT_PUBLIC_KEYS or --keys FILE, `service=base64` lines; the
development keys only under ZC_DEV_MODE=1): never with keys a service would serve.
Exit codes: 0 intact, 1 a broken link found, 2 bad input or unreachable.
"""
from __future__ import annotations

import asyncio
import base64
import getpass
import json
import secrets
import uuid
from pathlib import Path

import httpx

import asyncpg
import typer
from rich.console import Console
from rich.table import Table

from contracts import topics
from plumbing.core import witness
from plumbing.core.audit_verify import Finding, database_clock, read_audit_topic, verify_database
from plumbing.edges.kafka_security import AUDITOR, client_kwargs
from plumbing.settings import ServiceSettings, kafka_bootstrap, service_url, with_database
from zc import audit_timeline
from plumbing.settings import AuditSettings

app = typer.Typer(help="审计 / auditing: verify the logs, timelines, state at a moment", no_args_is_help=True)
SERVICES = ("intake", "eligibility", "review", "notify")


def _fail(zh: str, en: str, code: int = 2) -> typer.Exit:
    typer.echo(f"错误：{zh}\nerror: {en}", err=True)
    return typer.Exit(code)


def public_keys(keys_file: Path | None) -> dict[str, str]:
    if keys_file:
        return witness.parse_public_keys(keys_file.read_text())
    given = AuditSettings.current()
    if text := given.audit_public_keys:
        return witness.parse_public_keys(text)
    if given.dev_mode:
        return {s: witness.public_b64(witness.private_key(witness.dev_seed(s))) for s in SERVICES}
    raise _fail("未配置审计公钥（ZC_AUDIT_PUBLIC_KEYS 或 --keys）",
                "no public keys configured (ZC_AUDIT_PUBLIC_KEYS or --keys FILE)")


def database_of(service: str, dsn: str | None) -> str:
    return dsn or with_database(ServiceSettings(service=service).database_url, f"zc_{service}")


async def verify_services(services: list[str], keys: dict[str, str], dsn_of, *,
                          stream: str | None = None) -> list[tuple[str, list[Finding], dict]]:
    conns = {s: await asyncpg.connect(dsn_of(s), timeout=10) for s in services}
    try:
        since = {s: await database_clock(conn) for s, conn in conns.items()}  # before the topic is read
        records = await read_audit_topic(kafka_bootstrap(), topics.audit(), client_kwargs(AUDITOR))
        results = []
        for service, conn in conns.items():
            key = witness.public_key(keys[service]) if service in keys else None
            found, summary = await verify_database(conn, service, records, key, stream, since=since[service])
            results.append((service, found, summary))
        return results
    finally:
        for conn in conns.values():
            await conn.close()


def print_results(results) -> None:
    _print(results)


@app.command("verify")
def verify_cmd(service: list[str] = typer.Option(list(SERVICES), help="services to verify"),
               stream: str | None = typer.Option(None, help="one stream only"),
               keys: Path | None = typer.Option(None, help="file of `service=base64` public keys"),
               dsn: str | None = typer.Option(None, help="one database's URL (with one --service)"),
               as_json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """Check signatures, the checkpoint chain, every stream against the checkpoints and the audit topic."""
    unknown = [s for s in service if s not in SERVICES]
    if unknown or (dsn and len(service) != 1):
        raise _fail("服务名无效，或 --dsn 只能与一个 --service 同用",
                    f"unknown service {unknown}, or --dsn given with more than one --service")
    configured = public_keys(keys)
    try:
        results = asyncio.run(verify_services(service, configured, lambda s: database_of(s, dsn), stream=stream))
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        raise _fail("无法读取审计主题或数据库", f"the audit topic or a database is unreachable: {exc!r}") from None
    broken = any(found for _s, found, _summary in results)
    if as_json:
        typer.echo(json.dumps([{**summary, "intact": not found,
                                "findings": [f.__dict__ for f in found]} for _s, found, summary in results],
                              ensure_ascii=False, indent=2))
    else:
        _print(results)
    raise typer.Exit(1 if broken else 0)


def _print(results) -> None:
    console = Console(width=200)
    for service, found, summary in results:
        head = (f"{service}: {summary['events']} events, {summary['links']} links, "
                f"{summary['checkpoints']} signed checkpoints, {summary['pending']} links not yet published")
        if not found:
            console.print(f"[green]完好 / intact[/green]  {head}")
            continue
        console.print(f"[red]被篡改 / BROKEN[/red]  {head}; first broken link: "
                      f"{found[0].stream_id or 'checkpoints'} v{found[0].version} ({found[0].what})")
        table = Table()
        for column in ("stream", "version", "what", "detail"):
            table.add_column(column)
        for f in found[:50]:
            table.add_row(f.stream_id or "(checkpoints)", str(f.version), f.what, f.detail)
        console.print(table)


@app.command()
def keygen() -> None:
    """A new signing key: the seed goes to the service (ZC_AUDIT_SIGNING_KEY), the public key to auditors."""
    seed = base64.b64encode(secrets.token_bytes(32)).decode()
    typer.echo(f"ZC_AUDIT_SIGNING_KEY={seed}")
    typer.echo(f"public key: {witness.public_b64(witness.private_key(seed))}")


def auditor_token(account: str) -> str:
    """The caller's own auditor token (ZC_AUDIT_TOKEN, from the platform's login), or one from the
    local issuer (ZC_TOKEN_PRIVATE_KEY, else the development key) for account `account`."""
    if token := AuditSettings.current().audit_token:
        return token
    from plumbing.edges.dev_issuer import dev_token

    return dev_token("auditor", uid=account, hours=1)


def fetch_parts(application_id: uuid.UUID, services: list[str], token: str) -> list[dict]:
    """Each service's part, asked of each service on its own (no service asks another)."""
    parts = []
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        for service in services:
            answer = client.get(f"{service_url(service)}/audit/applications/{application_id}")
            if answer.status_code != 200:
                raise _fail(f"{service} 拒绝或无法回答（{answer.status_code}）",
                            f"{service} answered {answer.status_code}: {answer.text[:200]}")
            parts.append(answer.json())
        # Staff acting in any service's part are named from review's directory (review's own part
        # names its case's staff already); each resolution is a read review records.
        if unnamed := audit_timeline.unnamed_staff(parts):
            answer = client.get(f"{service_url('review')}/audit/staff-names",
                                params={"application_id": str(application_id), "uid": sorted(unnamed)[:100]})
            if answer.status_code != 200:
                raise _fail(f"review 无法解析人员姓名（{answer.status_code}）",
                            f"review could not name the staff: {answer.status_code}: {answer.text[:200]}")
            parts.append({"service": "review", "application_id": str(application_id), "events": [],
                          "staff_names": answer.json()["staff_names"]})
    return parts


def _season(iso: str) -> str:
    """Season time as the season reads it (the plan's zone, Asia/Shanghai)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(iso).astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S") if iso else ""


def timeline_table(application_id, rows) -> Table:
    table = Table(title=f"申报 {application_id} 的经过 / timeline")
    for column in ("#", "season time (Asia/Shanghai)", "recorded (UTC)", "service", "who", "what", "detail"):
        table.add_column(column, overflow="fold")
    for n, r in enumerate(rows, start=1):
        table.add_row(str(n), _season(r.season_at), r.recorded_at[:19].replace("T", " "), r.service,
                      audit_timeline.who(r.who), r.what, r.detail)
    return table


@app.command()
def timeline(application_id: uuid.UUID = typer.Argument(..., help="the application id"),
             service: list[str] = typer.Option(list(SERVICES), help="services to ask"),
             account: str = typer.Option(getpass.getuser(), "--as", help="your auditor account id"),
             as_json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """One application's history from every service: who, what, when (season and recorded time), why."""
    try:
        parts = fetch_parts(application_id, service, auditor_token(account))
    except httpx.HTTPError as exc:
        raise _fail("无法连接服务", f"a service is unreachable: {exc!r}") from None
    rows = audit_timeline.merge(parts)
    broken = {f"{p['service']}:{stream}" for p in parts for stream, intact in p.get("streams", {}).items() if not intact}
    if as_json:
        typer.echo(json.dumps({"application_id": str(application_id), "broken_chains": sorted(broken),
                               "timeline": [audit_timeline.as_json(r) for r in rows]}, ensure_ascii=False, indent=2))
        return
    if not rows:
        raise _fail("没有该申报的任何记录", f"no service has a record of {application_id}", code=1)
    console = Console(width=200)
    console.print(timeline_table(application_id, rows))
    if broken:
        console.print(f"[red]hash chain broken in {', '.join(sorted(broken))}: run `zc audit verify`[/red]")


@app.command()
def reads(person: str | None = typer.Option(None, "--person", help="a person_ref: who read this person's data"),
          by: str | None = typer.Option(None, "--by", help="an account id: what this account read"),
          service: list[str] = typer.Option(list(SERVICES), help="services to ask"),
          dsn: str | None = typer.Option(None, help="one database's URL (with one --service)"),
          as_json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """Reads of personal data: who, what, when, by which route (from each service's read log)."""
    from plumbing.core.reads import reads_of

    if (person is None) == (by is None):
        raise _fail("请给出 --person 或 --by 之一", "give exactly one of --person REF or --by ACCOUNT")

    async def gather() -> list[dict]:
        found = []
        for name in service:
            conn = await asyncpg.connect(database_of(name, dsn), timeout=10)
            try:
                found += [{"service": name, **r} for r in await reads_of(conn, person_ref=person, account=by)]
            finally:
                await conn.close()
        return sorted(found, key=lambda r: r["read_at"])

    try:
        rows = asyncio.run(gather())
    except (OSError, asyncpg.PostgresError) as exc:
        raise _fail("无法连接数据库", f"a database is unreachable: {exc!r}") from None
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title="个人信息查阅记录 / reads of personal data")
    for column in ("read at (UTC)", "service", "account", "role / organisation", "route", "what", "subject"):
        table.add_column(column, overflow="fold")
    for r in rows:
        table.add_row(r["read_at"].isoformat(timespec="seconds"), r["service"], r["account"],
                      f"{r['role']} / {r['organisation']}", r["route"], r["what"], r["subject"])
    Console(width=200).print(table)


@app.command()
def state(application_id: uuid.UUID = typer.Argument(..., help="the application id"),
          at: str = typer.Option(..., "--at", help="season time, ISO 8601 (a date means its end; no zone: the "
                                                   "plan's, Asia/Shanghai)"),
          account: str = typer.Option(getpass.getuser(), "--as", help="your auditor account id"),
          as_json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
    """The application's state at a past moment: stage, last decision, deadline running, SMS sent."""
    from zc.audit_state import PlanNotFound, state_at

    moment = _moment(at)
    try:
        parts = fetch_parts(application_id, list(SERVICES), auditor_token(account))
    except httpx.HTTPError as exc:
        raise _fail("无法连接服务", f"a service is unreachable: {exc!r}") from None
    try:
        found = state_at(parts, moment)
    except PlanNotFound as exc:
        raise _fail("找不到该申报记录的评审计划版本", str(exc)) from None
    if not found["events_folded"]:
        raise _fail(f"{moment.isoformat()} 时尚无该申报的记录", f"nothing was recorded for it by {moment.isoformat()}",
                    code=1)
    if as_json:
        typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"申报 {application_id} 在 {moment.isoformat()} 的状态 / state at that moment")
    table.add_column("what")
    table.add_column("value", overflow="fold")
    for key, value in found.items():
        table.add_row(key, json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value))
    Console(width=200).print(table)


def _moment(text: str):
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _fail(f"时间格式无效：{text}", f"not an ISO 8601 time: {text}") from None
    if len(text) == 10:  # a date: the end of that day
        moment = datetime.combine(moment.date(), time.max)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


@app.command("replay-topic")
def replay_topic(topic: str = typer.Argument(..., help="a topic name, or applications | eligibility | review | "
                                                       "notifications | audit"),
                 from_beginning: bool = typer.Option(False, "--from-beginning", help="from offset 0 (else: after "
                                                     "what the scratch database already holds)"),
                 into: str | None = typer.Option(None, help="the scratch database's URL (default zc_audit_scratch)"),
                 chunk: int = typer.Option(500, min=1, max=10_000, help="records per transaction")) -> None:
    """Copy a topic into a scratch database (table `replayed`), for auditors who start from the topics."""
    from plumbing.core.topic_copy import copy_topic
    from plumbing.provision import ensure_scratch_database

    aliases = {"applications": topics.applications, "eligibility": topics.eligibility, "review": topics.review,
               "notifications": topics.notifications, "audit": topics.audit}
    name = aliases[topic]() if topic in aliases else topic
    if topics.personal_data() == name:
        raise _fail("个人信息主题不可导出", "the personal-data topic is not for auditors")
    server = ServiceSettings().database_url

    async def run() -> int:
        dsn = into or with_database(server, "zc_audit_scratch")
        if not into:
            await ensure_scratch_database("zc_audit_scratch", url=server)
        conn = await asyncpg.connect(dsn, timeout=10)
        try:
            return await copy_topic(conn, name, kafka_bootstrap(), client_kwargs(AUDITOR), from_beginning=from_beginning,
                                    chunk=chunk)
        finally:
            await conn.close()

    try:
        copied = asyncio.run(run())
    except (OSError, asyncpg.PostgresError) as exc:
        raise _fail("无法读取主题或写入临时数据库", f"the topic or the scratch database is unreachable: {exc!r}") from None
    typer.echo(f"已复制 / copied {copied} records of {name} into table `replayed`")
