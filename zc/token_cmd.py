"""`zc token`: mint a signed role token for local use (the platform's login does this in production)."""
from __future__ import annotations

import typer

from contracts.envelope import Role
from plumbing.edges.auth import mint_token
from plumbing.settings import ServiceSettings


def token(role: Role = typer.Option(..., help="applicant | unit | construction_authority | hr_bureau | "
                                               "city_hr_bureau | auditor"),
          org: str = typer.Option("", help="organisation id: unit_id for a unit, org_id for a department"),
          area: str = typer.Option("", help="area code from the plan, e.g. city, yuecheng, keqiao"),
          user: str = typer.Option("", help="the person acting"),
          id_number: str = typer.Option("", help="applicants: the resident ID number (turned into person_ref)"),
          hours: int = typer.Option(12, help="validity in hours (at most 12)")) -> None:
    """Print a bearer token signed with ZC_JWT_SECRET."""
    settings = ServiceSettings()
    ref = ""
    if id_number:
        from services.intake.domain.identity import compact_id, person_ref  # the one definition of person_ref

        ref = person_ref(compact_id(id_number), settings.person_ref_secret)
    try:
        typer.echo(mint_token(settings.jwt_secret, role=role, org=org, area=area, user=user, person_ref=ref,
                              hours=hours))
    except ValueError as exc:  # the system role, or more than 12 hours: no person's token carries them
        raise typer.BadParameter(str(exc)) from None
