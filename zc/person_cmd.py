"""`zc person erase PERSON_REF --requested-by UID [--requester-role ROLE]`: erase a person's personal data everywhere.

Runs with the operator's own token (ZC_TOKEN, or --token): a city HR bureau officer's, whose user
intake records in PersonErased as who erased, with --requested-by (an account id, never a name) and
--requester-role as on whose request. Intake
deletes the person's data key and photos and publishes the tombstone; notify and review delete
their copies when they read it. Prints what was erased where.
Exit codes: 0 erased, 1 no such person, 2 refused, unreachable or bad input.
"""
from __future__ import annotations

import json
import re

import httpx
import typer
from plumbing.settings import service_url

app = typer.Typer(help="个人信息 / a person's personal data", no_args_is_help=True)
DEFAULT_URL = service_url("intake")


def _fail(zh: str, en: str, code: int = 2) -> typer.Exit:
    typer.echo(f"错误：{zh}\nerror: {en}", err=True)
    return typer.Exit(code)


@app.command()
def erase(person_ref: str = typer.Argument(..., help="the person's person_ref (64 hex characters)"),
          requested_by: str = typer.Option(..., "--requested-by",
                                           help="on whose request: the requester's account id (their token's uid), never a name"),
          requester_role: str = typer.Option("applicant", "--requester-role",
                                             help="the requester's role (applicant: the person asked for it)"),
          token: str = typer.Option("", envvar="ZC_TOKEN", help="the operator's own bearer token (city HR bureau)"),
          url: str = typer.Option(DEFAULT_URL, help="intake's base URL")) -> None:
    """Erase PERSON_REF's personal data: intake's data key and photos, the topic record, notify's and review's rows."""
    if not re.fullmatch(r"[0-9a-f]{64}", person_ref):
        raise _fail(f"人员标识格式不正确：{person_ref[:80]}", "a person_ref is 64 lowercase hex characters")
    if not token:
        raise _fail("需要操作员本人的令牌（ZC_TOKEN 或 --token）", "the operator's own token is required (ZC_TOKEN or --token)")
    try:
        response = httpx.post(f"{url.rstrip('/')}/persons/{person_ref}/erasure", json={"requested_by": {"role": requester_role, "uid": requested_by}},
                              headers={"Authorization": f"Bearer {token}"}, timeout=30)
    except httpx.HTTPError as exc:
        raise _fail(f"无法连接申报服务 {url}", f"intake is unreachable at {url}: {type(exc).__name__}") from None
    if response.status_code == 404:
        raise _fail("申报服务没有该人员的个人信息", "intake holds no personal data of this person", code=1)
    if response.status_code == 422:
        raise _fail("请求人须为账号标识（令牌中的 uid）与角色，不能是姓名", "the requester is an account id (a token's uid) and a "
                    f"role, never a name: {response.text[:300]}")
    if response.status_code != 200:
        raise _fail(f"申报服务返回 {response.status_code}", f"intake answered {response.status_code}: {response.text[:300]}")
    report = response.json()
    typer.echo(f"已删除 / erased {person_ref} by {report['erased_by']} at the request of "
               f"{report['requested_by']['role']}:{report['requested_by']['uid']} "
               f"(PersonErased {report['event_id']})")
    for place, what in report["erased"].items():
        typer.echo(f"  {place}: {json.dumps(what, ensure_ascii=False) if not isinstance(what, str) else what}")
