"""`zc`: the project's one command-line tool. Each area mounts its own sub-app here."""
from __future__ import annotations

from importlib.metadata import version as package_version

import typer

from zc.analytics.cli import app as analytics_app
from zc.audit_cmd import app as audit_app
from zc.deadletters_cmd import app as deadletters_app
from zc.eligibility_cmd import app as eligibility_app
from zc.notify_cmd import app as notify_app
from zc.outbox_cmd import app as outbox_app
from zc.person_cmd import app as person_app
from zc.replay_cmd import replay
from zc.sms_cmd import app as sms_app
from zc.token_cmd import token

app = typer.Typer(name="zc", help="zhicheng: 职称申报与评审 / title filing and review tools",
                  no_args_is_help=True, add_completion=False)
app.add_typer(analytics_app, name="analytics")


def _version(shown: bool) -> None:
    if shown:
        typer.echo(f"zc {package_version('zhicheng')}")
        raise typer.Exit()


@app.callback()
def main(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                      help="the installed zhicheng version")) -> None:
    """zhicheng: 职称申报与评审 / title filing and review tools"""


app.add_typer(audit_app, name="audit")
app.add_typer(deadletters_app, name="deadletters")
app.add_typer(eligibility_app, name="eligibility")
app.add_typer(notify_app, name="notify")
app.add_typer(outbox_app, name="outbox")
app.add_typer(person_app, name="person")
app.add_typer(sms_app, name="sms")
app.command("token")(token)
app.command("replay")(replay)

if __name__ == "__main__":
    app()
