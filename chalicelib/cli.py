"""Staff commands, run from a workstation against a stage's AWS (or the local stack's
emulator: set AWS_ENDPOINT_URL=http://127.0.0.1:5000 and the stage's variables).

    python -m chalicelib.cli revoke FILING_ID --reason "..." --by "婺城区三服务办"
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


if __name__ == "__main__":
    main()
