"""`zc sms resend DELIVERY_ID`: send again an SMS whose fate the platform never told.

A delivery is *unknown* when a try got no answer and the platform's status query did not list it
within ZC_SMS_CHECK_BOUND_SECONDS (`zc notify status APP_ID` shows it with its id). Nothing sends
it again on its own: the platform promises no idempotence, so a second try may be a second SMS.
After checking with the platform's console or the person, the operator sends it again with this
command, through notify's HTTP API with their own token (city HR bureau; ZC_TOKEN or --token):
notify records who. Exit codes: 0 queued, 1 no such delivery or not unknown, 2 refused,
unreachable or bad input.
"""
from __future__ import annotations

import uuid

import httpx
import typer

from plumbing.settings import service_url

app = typer.Typer(help="短信 / SMS deliveries: operator actions", no_args_is_help=True)


def _fail(zh: str, en: str, code: int = 2) -> typer.Exit:
    typer.echo(f"错误：{zh}\nerror: {en}", err=True)
    return typer.Exit(code)


@app.command()
def resend(delivery_id: str = typer.Argument(..., help="the delivery's id, as `zc notify status` shows it"),
           token: str = typer.Option("", envvar="ZC_TOKEN", help="the operator's own bearer token (city HR bureau)"),
           url: str = typer.Option(service_url("notify"), help="notify's base URL")) -> None:
    """Send an unknown delivery again (after checking it did not arrive)."""
    try:
        delivery = str(uuid.UUID(delivery_id))
    except ValueError:
        raise _fail(f"短信编号格式不正确：{delivery_id[:80]}", f"not a delivery id: {delivery_id[:80]}") from None
    if not token:
        raise _fail("需要操作员本人的令牌（ZC_TOKEN 或 --token）", "the operator's own token is required (ZC_TOKEN or --token)")
    try:
        response = httpx.post(f"{url.rstrip('/')}/deliveries/{delivery}/resend",
                              headers={"Authorization": f"Bearer {token}"}, timeout=30)
    except httpx.HTTPError as exc:
        raise _fail(f"无法连接通知服务 {url}", f"notify is unreachable at {url}: {type(exc).__name__}") from None
    if response.status_code in (404, 409):
        body = response.json()
        raise _fail(body.get("message_zh", ""), body.get("message_en", response.text[:300]), code=1)
    if response.status_code != 200:
        raise _fail(f"通知服务返回 {response.status_code}", f"notify answered {response.status_code}: {response.text[:300]}")
    answer = response.json()
    typer.echo(f"已重新排队发送 / queued to be sent again: {answer['notification_id']} (by {answer['resent_by']})")
