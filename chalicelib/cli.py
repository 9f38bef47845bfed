"""Staff commands, run from a workstation against a stage's AWS (or the local stack's
emulator: set AWS_ENDPOINT_URL=http://127.0.0.1:5000 and the stage's variables).

    python -m chalicelib.cli revoke FILING_ID --reason "..." --by "婺城区三服务办"
    python -m chalicelib.cli reissue FILING_ID STEP --by "婺城区三服务办"
    python -m chalicelib.cli staff-link --role town_office --scope 白龙桥镇
"""

from __future__ import annotations

import click

from chalicelib import filings
from chalicelib.errors import DomainError


@click.group()
def main() -> None:
    """婺城家服务 staff commands."""


@main.command()
@click.argument("filing_id")
@click.option(
    "--reason", required=True, help="Why the approval is taken back (shown to the applicant)."
)
@click.option("--by", "actor", required=True, help="Who revokes, for the audit trail.")
def revoke(filing_id: str, reason: str, actor: str) -> None:
    """Revoke an approved filing: its documents, and the passes of its workers, stop
    verifying at once."""
    try:
        filing = filings.revoke(filing_id, reason, actor)
    except DomainError as exc:
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc
    click.echo(f"{filing.filing_id} {filing.slip_no}: {filing.status}")


@main.command()
@click.argument("filing_id")
@click.argument("step")
@click.option("--by", "actor", required=True, help="Who reissues, for the audit trail.")
def reissue(filing_id: str, step: str, actor: str) -> None:
    """Send a step's approvers a new link; every earlier link of the step stops working."""
    from chalicelib.lifecycle import reissue_link

    try:
        generation = reissue_link(filing_id, step, actor)
    except DomainError as exc:
        raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc
    click.echo(f"{filing_id}/{step}: link {generation} sent")


@main.command("staff-link")
@click.option(
    "--role",
    type=click.Choice(["district_office", "town_office"]),
    default="district_office",
    show_default=True,
    help="Whose dashboard: the district office, or a town's office.",
)
@click.option("--scope", help="The town (town_office); the district by default.")
def staff_link(role: str, scope: str | None) -> None:
    """Print a signed dashboard link for a role and scope, valid for 7 days."""
    from chalicelib import staff
    from chalicelib.settings import get_settings

    try:
        click.echo(staff.dashboard_url(role, scope or get_settings().district_scope))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc


if __name__ == "__main__":
    main()
