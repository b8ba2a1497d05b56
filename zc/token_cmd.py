"""`zc token`: issue a signed role token for local use (the platform's login does this in production)."""
from __future__ import annotations

import typer

from contracts.envelope import Role
from plumbing.edges.auth import issue_token
from plumbing.edges.dev_issuer import issuer_key
from plumbing.settings import ServiceSettings


def token(role: Role = typer.Option(..., help="applicant | unit | construction_authority | hr_bureau | "
                                               "city_hr_bureau | auditor"),
          org: str = typer.Option("", help="organisation id: unit_id for a unit, org_id for a department"),
          area: str = typer.Option("", help="area code from the plan, e.g. city, yuecheng, keqiao"),
          user: str = typer.Option("", help="the person's display name (the `name` claim; staff directory only)"),
          uid: str = typer.Option("", help="the account id (the `uid` claim); derived by the issuer if empty"),
          id_number: str = typer.Option("", help="applicants: the resident ID number (turned into person_ref)"),
          hours: int = typer.Option(12, help="validity in hours (at most 12)")) -> None:
    """Print a bearer token signed with the issuer's private key (ZC_TOKEN_PRIVATE_KEY, else the
    development key)."""
    ref = ""
    if id_number:
        from services.intake.domain.identity import compact_id, person_ref  # the one definition of person_ref

        ref = person_ref(compact_id(id_number), ServiceSettings(service="intake").person_ref_secret)
    try:
        typer.echo(issue_token(issuer_key(), role=role, org=org, area=area, name=user, uid=uid, person_ref=ref,
                               hours=hours))
    except ValueError as exc:  # the system role, or more than 12 hours: no person's token carries them
        raise typer.BadParameter(str(exc)) from None
